using System.Buffers.Text;
using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Text;

namespace Countersign.Campaigns;

/// <summary>One cause with its asks, its hosts and its public counters.</summary>
public sealed class Campaign
{
    public const int SlugMaxLength = 80;
    public const int TitleMaxLength = 200;
    public const int SummaryMaxLength = 500;
    public const int BodyMaxLength = 20_000;
    public const int DemandMaxLength = 500;
    public const int TargetMaxLength = 200;
    public const int MaxGoal = 100_000_000;
    public const int LetterMaxLength = 20_000;
    public const int LetterAddresseesMaxLength = 300;
    public const int LetterCallMaxLength = 500;
    public const int MaxLetterCalls = 20;

    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public required string Summary { get; set; }
    public string BodyMarkdown { get; set; } = "";
    public List<string> Demands { get; set; } = [];
    public List<string> Targets { get; set; } = [];
    public List<CampaignHost> Hosts { get; set; } = [];
    public int Goal { get; set; }

    /// <summary>
    /// The campaign's open letter to organisations, beside its petition: whom it is addressed to, its text (Markdown,
    /// sanitised when shown) and its calls. Empty text means no letter. It is part of what the campaign asks, so on a
    /// published campaign it changes only through review, and each wording signed is kept (<see cref="Letters.LetterVersion"/>).
    /// </summary>
    public string LetterMarkdown { get; set; } = "";
    public string LetterAddressees { get; set; } = "";
    public List<string> LetterCalls { get; set; } = [];

    /// <summary>Whether the campaign carries an open letter organisations can co-sign.</summary>
    public bool HasLetter => LetterMarkdown.Length > 0;

    /// <summary>Organisations can co-sign its letter: it has one, and the campaign is open.</summary>
    public bool TakesCoSignatures => HasLetter && AcceptsSignatures;

    /// <summary>
    /// The language its text (title, summary, body, demands, targets) is written in, a tag of <see cref="ContentLanguages"/>:
    /// pages mark that text with it, whatever language the reader's interface is in.
    /// </summary>
    public string Language { get; set; } = ContentLanguages.Default;

    /// <summary>The direction its text is written in, for the HTML <c>dir</c> attribute beside <c>lang</c>: "rtl" or "ltr".</summary>
    public string TextDirection => ContentLanguages.Direction(Language);

    /// <summary>Signature counts whose crossing goes on the timeline (for example 10,000 and 75,000).</summary>
    public List<int> Milestones { get; set; } = [];
    public const int MaxMilestones = 10;
    public DateOnly? Deadline { get; set; }
    public string State { get; private set; } = CampaignState.Draft;
    public bool IsDemo { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>When anyone last edited or moved the campaign: every method that does stamps it, so no caller has to.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>When a moderator first opened the campaign to signatures.</summary>
    public DateTime? OpenedAt { get; private set; }

    /// <summary>When the campaign stopped taking signatures, and when they were delivered to the target.</summary>
    public DateTime? ClosedAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }

    /// <summary>Why a moderator sent the campaign back, shown to its organisers until they submit it again.</summary>
    public string? RejectionReason { get; private set; }

    /// <summary>What came of the campaign, kept apart from its state: a closed campaign may be won years later.</summary>
    public string Outcome { get; private set; } = CampaignOutcome.Ongoing;
    public DateOnly? OutcomeOn { get; private set; }
    public string? OutcomeText { get; private set; }

    /// <summary>When its signers' personal data was erased (crypto-shredded); the counts stay.</summary>
    public DateTime? PersonalDataErasedAt { get; set; }

    /// <summary>
    /// The secret part of the campaign's sponsor link (/c/{slug}/sponsor/{token}), made when it first goes to its
    /// supporters and kept afterwards, so a link shared before a rejection works again once the campaign is mended.
    /// </summary>
    public string? SponsorToken { get; private set; }
    public const int SponsorTokenMaxLength = 32;

    /// <summary>The sponsor link's path, without its leading slash, once the campaign has one.</summary>
    public string? SponsorPath => SponsorToken is null ? null : $"c/{Slug}/sponsor/{SponsorToken}";

    /// <summary>Confirmed signatures, kept up to date in the confirming transaction so pages never count rows.</summary>
    public int SignatureCount { get; set; }

    /// <summary>Whether the campaign takes comments, and how they are moderated (<see cref="Countersign.Comments.CommentMode"/>).</summary>
    public string CommentMode { get; set; } = Countersign.Comments.CommentMode.Off;

    /// <summary>Visible to everyone once launched: a withdrawn campaign that had signers stays readable, so they learn what became of it.</summary>
    public bool IsPublic => IsPublicRule(this);

    /// <summary><see cref="IsPublic"/> as a condition the database answers, for lists of public campaigns.</summary>
    public static readonly Expression<Func<Campaign, bool>> Public =
        campaign => CampaignState.Public.Contains(campaign.State) || (campaign.State == CampaignState.Withdrawn && campaign.OpenedAt != null);

    private static readonly Func<Campaign, bool> IsPublicRule = Public.Compile();
    public bool AcceptsSignatures => State == CampaignState.Open;

    /// <summary>An open campaign takes signatures from anyone; one gathering supporters, only through its sponsor link.</summary>
    public bool TakesSignatures(bool throughSponsorLink) => AcceptsSignatures || (throughSponsorLink && State == CampaignState.Sponsoring);

    /// <summary>Its page lists its visible comments (after it closes too, so the discussion stays readable).</summary>
    public bool ShowsComments => CommentMode != Countersign.Comments.CommentMode.Off;

    /// <summary>Its page offers the comment form: comments are on and the campaign is open.</summary>
    public bool TakesComments => ShowsComments && AcceptsSignatures;

    /// <summary>
    /// An organiser sends a draft, or a rejected campaign they have mended, to the moderators. When the site asks
    /// for supporting signatures first (<paramref name="sponsorsNeeded"/> above zero) and the campaign has fewer
    /// confirmed signatures than that, it goes to its supporters instead; signatures confirmed before a rejection
    /// still count, so a mended campaign with enough of them goes straight to the moderators.
    /// </summary>
    public void SubmitForReview(DateTime now, int sponsorsNeeded = 0)
    {
        if (State is not (CampaignState.Draft or CampaignState.Rejected))
        {
            // From sponsoring, only Countersign moves it on (EndSponsoring), once enough supporters have signed.
            throw new IllegalTransitionException(State, CampaignState.InReview);
        }

        if (HasSponsors(sponsorsNeeded))
        {
            ChangeState(CampaignState.InReview, now);
        }
        else
        {
            SeekSponsors(now);
        }
    }

    /// <summary>The campaign waits, unseen by the public, for supporting signatures through its sponsor link.</summary>
    public void SeekSponsors(DateTime now)
    {
        ChangeState(CampaignState.Sponsoring, now);
        SponsorToken ??= Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>Whether enough confirmed signatures support the campaign to put it before the moderators.</summary>
    public bool HasSponsors(int sponsorsNeeded) => SignatureCount >= sponsorsNeeded;

    /// <summary>Countersign sends a campaign whose supporting signatures are in to the moderators.</summary>
    public void EndSponsoring(DateTime now, int sponsorsNeeded)
    {
        if (State != CampaignState.Sponsoring)
        {
            throw new IllegalTransitionException(State, CampaignState.InReview);
        }

        if (!HasSponsors(sponsorsNeeded))
        {
            throw new InvalidOperationException($"The campaign has {SignatureCount} of the {sponsorsNeeded} supporting signatures it needs.");
        }

        ChangeState(CampaignState.InReview, now);
    }

    /// <summary>Whether <paramref name="token"/> is this campaign's sponsor link (compared in constant time: it is a secret).</summary>
    public bool HasSponsorToken(string? token) =>
        SponsorToken is not null && token is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(SponsorToken), Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// Whether a signer's confirmation link still counts: while the campaign is open, while it gathers supporting
    /// signatures, and while it waits for review after them, so a supporter who confirms a minute late is not turned away.
    /// </summary>
    public bool AcceptsConfirmations => State is CampaignState.Open or CampaignState.Sponsoring
        || (State == CampaignState.InReview && SponsorToken is not null);

    /// <summary>A moderator approves the campaign: it opens for signatures.</summary>
    public void Approve(DateTime now)
    {
        ChangeState(CampaignState.Open, now);
        OpenedAt ??= now;
        RejectionReason = null;
    }

    public void Reject(string reason, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("A rejection needs a reason for the organisers.", nameof(reason));
        }

        ChangeState(CampaignState.Rejected, now);
        RejectionReason = reason.Trim();
    }

    /// <summary>Stops taking signatures, by hand or at the deadline.</summary>
    public void Close(DateTime now)
    {
        ChangeState(CampaignState.Closed, now);
        ClosedAt ??= now;
    }

    public void Deliver(DateTime now)
    {
        ChangeState(CampaignState.Delivered, now);
        DeliveredAt ??= now;
    }

    /// <summary>
    /// The organisers give up the campaign; an open one stops taking signatures. So does one that gathered supporting
    /// signatures: its closing date starts the retention clock of their signers' data.
    /// </summary>
    public void Withdraw(DateTime now)
    {
        ChangeState(CampaignState.Withdrawn, now);
        if (OpenedAt is not null || SponsorToken is not null)
        {
            ClosedAt ??= now;
        }
    }

    /// <summary>Takes the named step (a state to move to), for forms that post the step's name.</summary>
    public void MoveTo(string state, DateTime now, string? reason = null)
    {
        switch (state)
        {
            // Walking a campaign through its states (demo data, tests) needs no supporters.
            case CampaignState.InReview when State == CampaignState.Sponsoring: EndSponsoring(now, sponsorsNeeded: 0); break;
            case CampaignState.InReview: SubmitForReview(now); break;
            case CampaignState.Sponsoring: SeekSponsors(now); break;
            case CampaignState.Open: Approve(now); break;
            case CampaignState.Rejected: Reject(reason ?? "", now); break;
            case CampaignState.Closed: Close(now); break;
            case CampaignState.Delivered: Deliver(now); break;
            case CampaignState.Withdrawn: Withdraw(now); break;
            default: throw new IllegalTransitionException(State, state);
        }
    }

    /// <summary>Takes each move from a new draft to the state, as a campaign run through the site would have: for demo data and tests.</summary>
    public Campaign WalkTo(string state, DateTime now)
    {
        foreach (var step in CampaignState.PathFromDraft(state))
        {
            MoveTo(step, now, reason: "Demonstration");
        }

        return this;
    }

    public void RecordOutcome(string outcome, DateOnly? on, string? text, DateTime now)
    {
        if (!CampaignOutcome.All.Contains(outcome))
        {
            throw new ArgumentException($"'{outcome}' is not an outcome.", nameof(outcome));
        }

        if (OpenedAt is null)
        {
            throw new IllegalTransitionException(State, outcome);
        }

        Outcome = outcome;
        OutcomeOn = on;
        OutcomeText = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        UpdatedAt = now;
    }

    /// <summary>A new draft, as its first organiser typed it.</summary>
    public static Campaign Draft(string slug, CampaignContent content, List<int> milestones, string commentMode, DateTime now)
    {
        var campaign = new Campaign { Slug = slug, Title = "", Summary = "", CreatedAt = now, UpdatedAt = now, CommentMode = commentMode };
        content.ApplyTo(campaign, now);
        campaign.Milestones = milestones;
        return campaign;
    }

    /// <summary>A draft or a rejected campaign: nobody has signed it, so everything may change.</summary>
    public void Edit(string slug, CampaignContent content, List<int> milestones, DateTime now)
    {
        Slug = slug;
        content.ApplyTo(this, now);
        Milestones = milestones;
        UpdatedAt = now;
    }

    /// <summary>
    /// A published campaign's wording and settings (goal, deadline, milestones), which apply at once; what it asks
    /// of whom changes only through review (<see cref="DecideChange"/>), and its address never.
    /// </summary>
    public void EditPublished(CampaignContent content, List<int> milestones, DateTime now)
    {
        content.ApplyWordingTo(this);
        content.ApplySettingsTo(this);
        Milestones = milestones;
        UpdatedAt = now;
    }

    /// <summary>The header image, if its organisers gave one (its files are loaded apart: pages need only their addresses).</summary>
    public CampaignImage? Image { get; private set; }

    /// <summary>A new header image in place of the old one, if any (whose files go with it).</summary>
    public void ShowImage(CampaignImage image, DateTime now)
    {
        Image = image;
        UpdatedAt = now;
    }

    /// <summary>New words for the header image, for people who cannot see it.</summary>
    public void DescribeImage(string alt, DateTime now)
    {
        if (Image is null)
        {
            throw new InvalidOperationException("The campaign has no header image to describe.");
        }

        Image.Alt = alt;
        UpdatedAt = now;
    }

    public void RemoveImage(DateTime now)
    {
        Image = null;
        UpdatedAt = now;
    }

    /// <summary>Comments are a setting: they change nothing a signer signed, so they apply at once.</summary>
    public void SwitchComments(string mode, DateTime now)
    {
        CommentMode = mode;
        UpdatedAt = now;
    }

    /// <summary>A moderator's decision on a proposed change to the asks: approved, the campaign asks what it proposed.</summary>
    public void DecideChange(CampaignContent proposed, bool approved, DateTime now)
    {
        if (approved)
        {
            proposed.ApplyAsksTo(this, now);
        }

        UpdatedAt = now;
    }

    private void ChangeState(string state, DateTime now)
    {
        if (!CampaignState.CanMove(State, state))
        {
            throw new IllegalTransitionException(State, state);
        }

        State = state;
        UpdatedAt = now;
    }

    /// <summary>A shallow copy showing another count (the definition is shared, the count is current).</summary>
    public Campaign WithSignatureCount(int count)
    {
        var copy = (Campaign)MemberwiseClone();
        copy.SignatureCount = count;
        return copy;
    }

    /// <summary>Progress towards the goal as a whole percentage, capped at 100 for the bar.</summary>
    public int ProgressPercent => Goal <= 0 ? 0 : (int)Math.Min(100, (long)SignatureCount * 100 / Goal);
}
