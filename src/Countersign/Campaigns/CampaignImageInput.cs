namespace Countersign.Campaigns;

/// <summary>The header image form: the picture (when replacing it) and the words for people who cannot see it.</summary>
public sealed class CampaignImageInput
{
    public IFormFile? File { get; set; }
    public string? Alt { get; set; }

    /// <summary>The description as stored: trimmed, on one line.</summary>
    public string TrimmedAlt() => string.Join(' ', (Alt ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Problems with the description, by field (untranslated).</summary>
    public Dictionary<string, string> ValidateAlt()
    {
        var problems = new Dictionary<string, string>();
        var alt = TrimmedAlt();
        if (alt.Length == 0)
        {
            problems[nameof(Alt)] = "Describe the picture for people who cannot see it (for example: Protesters hold a banner outside the conference centre).";
        }
        else if (alt.Length > CampaignImage.AltMaxLength)
        {
            problems[nameof(Alt)] = "The description can be at most 250 characters.";
        }

        return problems;
    }

    /// <summary>What to tell the organiser when the file cannot be a header image (untranslated).</summary>
    public static string Explain(HeaderImageProblem problem) => problem switch
    {
        HeaderImageProblem.Empty => "The file is empty. Choose another.",
        HeaderImageProblem.TooLarge => "The file is larger than 10 MB. Save the picture smaller, or choose another.",
        HeaderImageProblem.TooManyPixels => "The picture has too many pixels for us to process (at most 40 megapixels). Save it smaller and upload it again.",
        HeaderImageProblem.TooSmall => "The picture is too small: it needs to be at least 480 pixels wide and 160 pixels tall.",
        HeaderImageProblem.Damaged => "The picture seems damaged or cut short. Open it on your device, save it again, and upload the new file.",
        _ => "This file is not a picture we can read. Upload a JPEG, PNG, WebP or GIF image.",
    };
}
