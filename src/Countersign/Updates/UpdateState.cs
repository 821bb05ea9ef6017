namespace Countersign.Updates;

/// <summary>An update's states: a draft its organisers still edit, published on the campaign page, or hidden from it.</summary>
public static class UpdateState
{
    public const string Draft = "draft";
    public const string Published = "published";

    /// <summary>
    /// Published, then taken off the public pages by its organisers (a mistake, a text that cannot be
    /// shown): staff still see it, and it can be shown again. Its emails not yet sent never will be.
    /// </summary>
    public const string Hidden = "hidden";

    public const int MaxLength = 16;
}
