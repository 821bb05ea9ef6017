using Microsoft.Extensions.Localization;

namespace Countersign.Letters;

/// <summary>What kind of organisation co-signs a letter: the letter page groups its signatories by it.</summary>
public static class OrganisationKind
{
    public const string Union = "union";
    public const string University = "university";
    public const string LearnedSociety = "learned-society";
    public const string Ngo = "ngo";
    public const string ResearchCentre = "research-centre";
    public const string Company = "company";
    public const string Other = "other";

    public const int MaxLength = 24;

    /// <summary>Every kind, in the order the form and the letter page list them.</summary>
    public static readonly string[] All = [Union, University, LearnedSociety, Ngo, ResearchCentre, Company, Other];

    /// <summary>The kind as readers name it, in the plural for a heading or singular for a form's choice.</summary>
    public static string Name(string kind, IStringLocalizer t) => kind switch
    {
        Union => t["Union or federation of unions"],
        University => t["University"],
        LearnedSociety => t["Learned society or academy"],
        Ngo => t["Non-governmental organisation"],
        ResearchCentre => t["Research centre"],
        Company => t["Company"],
        _ => t["Other organisation"],
    };

    /// <summary>The heading of a group of signatories of one kind.</summary>
    public static string Heading(string kind, IStringLocalizer t) => kind switch
    {
        Union => t["Unions"],
        University => t["Universities"],
        LearnedSociety => t["Learned societies and academies"],
        Ngo => t["Non-governmental organisations"],
        ResearchCentre => t["Research centres"],
        Company => t["Companies"],
        _ => t["Other organisations"],
    };
}
