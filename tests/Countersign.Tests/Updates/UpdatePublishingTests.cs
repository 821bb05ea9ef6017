using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Updates;

/// <summary>
/// Saving, publishing, claiming and addressing updates, and hiding them, on a real database without a
/// web host: the moves, their refusals, their audit entries and who each update is addressed to.
/// </summary>
public abstract class UpdatePublishingTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const int OrganiserId = 17;

    private static readonly ClaimsPrincipal Organiser =
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, OrganiserId.ToString(CultureInfo.InvariantCulture))], "test"));

    private TestDatabase Database { get; set; } = null!;

    private Campaign Campaign { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(provider);
        Campaign = await Database.AddCampaignAsync();
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    private CampaignHost Host => Campaign.Hosts[0];

    private UpdateForm Form(string title = "The council listened", string body = "Our **news** for you.", CampaignHost? host = null) => new()
    {
        Title = title,
        HostId = (host ?? Host).Id.ToString(CultureInfo.InvariantCulture),
        Body = body,
    };

    /// <summary>Runs <paramref name="action"/> on the update <paramref name="updateId"/> (null: a new one) as a request would: in a scope of its own, the update read there.</summary>
    private async Task<UpdateOutcome> OnUpdateAsync<TService>(int? updateId, Func<TService, CampaignUpdate?, Task<UpdateOutcome>> action) where TService : notnull
    {
        await using var scope = Database.Scope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var update = updateId is { } id ? await db.CampaignUpdates.SingleAsync(u => u.Id == id) : null;
        return await action(scope.ServiceProvider.GetRequiredService<TService>(), update);
    }

    private Task<UpdateOutcome> SaveDraftAsync(int? updateId, UpdateForm form, Campaign? campaign = null) =>
        OnUpdateAsync<UpdatePublishing>(updateId, (publishing, update) => publishing.SaveDraftAsync(campaign ?? Campaign, update, form, CancellationToken.None));

    private Task<UpdateOutcome> PublishAsync(int? updateId, bool email, UpdateForm? form = null, Campaign? campaign = null) =>
        OnUpdateAsync<UpdatePublishing>(updateId, (publishing, update) => publishing.PublishAsync(campaign ?? Campaign, update, form ?? Form(), email, Organiser, CancellationToken.None));

    private Task<UpdateOutcome> ChangeVisibilityAsync(int updateId, bool hide, string? reason) =>
        OnUpdateAsync<UpdateVisibility>(updateId, (visibility, update) => visibility.ChangeAsync(Campaign, update!, hide, reason, Organiser, CancellationToken.None));

    private Task<CampaignUpdate> StoredAsync(int updateId) => Database.WithDbAsync(db => db.CampaignUpdates.AsNoTracking().SingleAsync(u => u.Id == updateId));

    private Task<List<(string Action, string Details, int? StaffUserId)>> AuditAsync() =>
        Database.WithDbAsync(async db => (await db.AuditEntries.OrderBy(e => e.Id).ToListAsync()).Select(e => (e.Action, e.Details ?? "", e.StaffUserId)).ToList());

    private Task<List<long>> AddressedAsync(int updateId) =>
        Database.WithDbAsync(db => db.UpdateDeliveries.Where(d => d.UpdateId == updateId && d.State == DeliveryState.Waiting).OrderBy(d => d.SignatureId).Select(d => d.SignatureId).ToListAsync());

    /// <summary>Stores a signature as the signing flow would have left it, in <paramref name="state"/>, hearing from <paramref name="hostIds"/>.</summary>
    private async Task<long> AddSignerAsync(string email, IEnumerable<int> hostIds, string state = SignatureState.Confirmed, string? heldBecause = null)
    {
        var cipher = await Database.Get<CampaignKeys>().ForCampaignAsync(Campaign.Id);
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var signature = new Signature
        {
            CampaignId = Campaign.Id,
            NameCiphertext = cipher.Encrypt("Signer " + email.Split('@')[0]),
            EmailCiphertext = cipher.Encrypt(email),
            EmailKey = Database.Get<PersonalDataProtector>().EmailKey(EmailAddress.Normalise(email)),
            CountryCode = "FR",
            UpdatesFromHostIds = hostIds.ToList(),
            Locale = "en",
            State = state,
            HeldBecause = heldBecause,
            CreatedAt = now,
            ConfirmedAt = state == SignatureState.Confirmed ? now : null,
        };
        await Database.WithDbAsync(db =>
        {
            db.Signatures.Add(signature);
            return db.SaveChangesAsync();
        });
        return signature.Id;
    }

    [Fact]
    public async Task Should_save_a_draft_with_each_problem_on_its_field_and_keep_it_editable_until_published()
    {
        var invalid = await SaveDraftAsync(null, new UpdateForm { Title = " ", HostId = "999999", Body = "" });
        Assert.Equal(UpdateResult.Invalid, invalid.Result);
        Assert.Equal(
            new Dictionary<string, string>
            {
                [nameof(UpdateForm.Title)] = "Give the update a title.",
                [nameof(UpdateForm.HostId)] = "Choose the host organisation this update speaks for.",
                [nameof(UpdateForm.Body)] = "Write the text of the update.",
            },
            invalid.Problems);
        Assert.Equal(0, await Database.WithDbAsync(db => db.CampaignUpdates.CountAsync()));

        var saved = await SaveDraftAsync(null, Form(title: "  First words  "));
        Assert.Equal((UpdateResult.Done, "The draft is saved."), (saved.Result, saved.Message));
        var draftId = saved.Update!.Id;
        var second = Campaign.Hosts[1];
        Assert.Equal(UpdateResult.Done, (await SaveDraftAsync(draftId, Form(title: "Better words", host: second))).Result);
        var draft = await StoredAsync(draftId);
        Assert.Equal((UpdateState.Draft, "Better words", second.Id, second.Name), (draft.State, draft.Title, draft.HostId, draft.HostName));

        Assert.Equal(UpdateResult.Done, (await PublishAsync(draftId, email: false)).Result);
        var refused = await SaveDraftAsync(draftId, Form(title: "Rewritten after the fact"));
        Assert.Equal((UpdateResult.Refused, "This update is published: it can no longer be edited."), (refused.Result, refused.Message));
        Assert.Equal("The council listened", (await StoredAsync(draftId)).Title);
    }

    [Fact]
    public async Task Should_publish_a_draft_with_its_audit_entry_and_email_nobody()
    {
        await AddSignerAsync("signer@example.org", [Host.Id]);

        var outcome = await PublishAsync(null, email: false);

        Assert.Equal((UpdateResult.Done, "Published on the campaign page."), (outcome.Result, outcome.Message));
        var update = await StoredAsync(outcome.Update!.Id);
        Assert.Equal((UpdateState.Published, (DateTime?)null, 0), (update.State, update.SentAt, update.RecipientCount));
        Assert.NotNull(update.PublishedAt);
        Assert.Empty(await AddressedAsync(update.Id));
        Assert.Equal([(AuditAction.UpdatePublished, $"Update {update.Id}, from {Host.Name}", (int?)OrganiserId)], await AuditAsync());

        var again = await PublishAsync(update.Id, email: false);
        Assert.Equal((UpdateResult.Refused, "This update is already published."), (again.Result, again.Message));
        Assert.Single(await AuditAsync());
    }

    [Fact]
    public async Task Should_claim_an_update_once_and_address_it_to_the_confirmed_signers_who_agreed_to_hear_from_its_host()
    {
        var other = Campaign.Hosts[1];
        var both = await AddSignerAsync("both@example.org", [Host.Id, other.Id]);
        var held = await AddSignerAsync("held@example.org", [Host.Id], heldBecause: "network-rate");
        await AddSignerAsync("other-host-only@example.org", [other.Id]);
        await AddSignerAsync("no-updates@example.org", []);
        await AddSignerAsync("pending@example.org", [Host.Id], SignatureState.Pending);

        var outcome = await PublishAsync(null, email: true);

        Assert.Equal(UpdateResult.Done, outcome.Result);
        Assert.Equal($"Published, and being emailed to 2 signers who agreed to hear from {Host.Name}. The figures below show how sending goes.", outcome.Message);
        var update = await StoredAsync(outcome.Update!.Id);
        Assert.Equal((UpdateState.Published, 2), (update.State, update.RecipientCount));
        Assert.NotNull(update.SentAt);
        Assert.Equal([both, held], await AddressedAsync(update.Id));
        Assert.Equal(
            [(AuditAction.UpdatePublished, $"Update {update.Id}, from {Host.Name}", (int?)OrganiserId), (AuditAction.UpdateSent, $"Update {update.Id}, from {Host.Name}: 2 recipients", (int?)OrganiserId)],
            await AuditAsync());

        // Sent once: pressing again is refused, and nobody is addressed twice.
        var again = await PublishAsync(update.Id, email: true);
        Assert.Equal(UpdateResult.Refused, again.Result);
        Assert.StartsWith("This update has already been emailed (on ", again.Message, StringComparison.Ordinal);
        Assert.Equal([both, held], await AddressedAsync(update.Id));
        Assert.Equal(2, (await AuditAsync()).Count);
    }

    [Fact]
    public async Task Should_email_an_update_once_when_two_organisers_press_email_it_at_once()
    {
        var signer = await AddSignerAsync("signer@example.org", [Host.Id]);
        var published = (await PublishAsync(null, email: false)).Update!.Id;

        var outcomes = await Task.WhenAll(
            Task.Run(() => PublishAsync(published, email: true)),
            Task.Run(() => PublishAsync(published, email: true)));

        Assert.Equal([UpdateResult.Done, UpdateResult.Refused], outcomes.Select(o => o.Result).Order());
        Assert.Equal([signer], await AddressedAsync(published));
        Assert.Single(await AuditAsync(), e => e.Action == AuditAction.UpdateSent);
    }

    [Fact]
    public async Task Should_refuse_to_publish_before_launch_to_email_once_data_is_erased_a_hidden_update_or_one_no_email_can_be_made_of()
    {
        var draftCampaign = await Database.AddCampaignAsync("not-yet", CampaignState.Draft);
        var early = await PublishAsync(null, email: false, form: Form(host: draftCampaign.Hosts[0]), campaign: draftCampaign);
        Assert.Equal((UpdateResult.Refused, "Updates can be published once the campaign is public, after a moderator has approved it."), (early.Result, early.Message));

        var erased = await Database.WithDbAsync(db => db.Campaigns.AsNoTracking().Include(c => c.Hosts).SingleAsync(c => c.Id == Campaign.Id));
        erased.PersonalDataErasedAt = Database.Clock.GetUtcNow().UtcDateTime;
        var noSigners = await PublishAsync(null, email: true, campaign: erased);
        Assert.Equal(UpdateResult.Refused, noSigners.Result);
        Assert.StartsWith("This campaign's personal data has been erased", noSigners.Message, StringComparison.Ordinal);
        Assert.Equal(UpdateResult.Done, (await PublishAsync(null, email: false, campaign: erased)).Result);

        var hidden = (await PublishAsync(null, email: false, form: Form(title: "To hide"))).Update!.Id;
        Assert.Equal(UpdateResult.Done, (await ChangeVisibilityAsync(hidden, hide: true, "Wrong figures")).Result);
        var hiddenSend = await PublishAsync(hidden, email: true);
        Assert.Equal((UpdateResult.Refused, "This update is hidden. Show it again before emailing it."), (hiddenSend.Result, hiddenSend.Message));

        // Published before the form checked its text: it shows, but no email of it can be built.
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var deep = new CampaignUpdate { CampaignId = Campaign.Id, HostId = Host.Id, HostName = Host.Name, Title = "Deep", BodyMarkdown = new string('>', CampaignUpdate.BodyMaxLength), CreatedAt = now, UpdatedAt = now };
        deep.Publish(now);
        await Database.WithDbAsync(db =>
        {
            db.CampaignUpdates.Add(deep);
            return db.SaveChangesAsync();
        });
        Assert.Equal(UpdateResult.Unsendable, (await PublishAsync(deep.Id, email: true)).Result);

        var updates = await Database.WithDbAsync(db => db.CampaignUpdates.AsNoTracking().ToListAsync());
        Assert.All(updates, u => Assert.Null(u.SentAt));
        Assert.DoesNotContain(updates, u => u.CampaignId == draftCampaign.Id);
    }

    [Fact]
    public async Task Should_hide_a_published_update_with_a_reason_skipping_its_emails_still_to_go_and_show_it_again()
    {
        await AddSignerAsync("signer@example.org", [Host.Id]);
        var draft = (await SaveDraftAsync(null, Form())).Update!.Id;
        var notYet = await ChangeVisibilityAsync(draft, hide: true, "Too early");
        Assert.Equal((UpdateResult.Refused, "Only a published update can be hidden."), (notYet.Result, notYet.Message));

        var sent = (await PublishAsync(draft, email: true)).Update!.Id;
        Assert.Equal((UpdateResult.Invalid, "Give a reason: it is kept in the audit log."), await ResultAsync(ChangeVisibilityAsync(sent, hide: true, " ")));
        Assert.Equal(UpdateResult.Invalid, (await ChangeVisibilityAsync(sent, hide: true, new string('r', CampaignUpdate.ReasonMaxLength + 1))).Result);
        Assert.Equal((UpdateResult.Refused, "This update is not hidden."), await ResultAsync(ChangeVisibilityAsync(sent, hide: false, "Show it")));
        Assert.Equal(UpdateState.Published, (await StoredAsync(sent)).State);

        Assert.Equal(UpdateResult.Done, (await ChangeVisibilityAsync(sent, hide: true, " Wrong figures ")).Result);
        Assert.Equal(UpdateState.Hidden, (await StoredAsync(sent)).State);
        Assert.Empty(await AddressedAsync(sent));
        Assert.Equal([DeliveryState.Skipped], await Database.WithDbAsync(db => db.UpdateDeliveries.Where(d => d.UpdateId == sent).Select(d => d.State).ToListAsync()));

        Assert.Equal(UpdateResult.Done, (await ChangeVisibilityAsync(sent, hide: false, "Figures checked")).Result);
        Assert.Equal(UpdateState.Published, (await StoredAsync(sent)).State);
        Assert.Equal(
            [(AuditAction.UpdateHidden, $"Update {sent}: Wrong figures"), (AuditAction.UpdateRestored, $"Update {sent}: Figures checked")],
            (await AuditAsync()).Where(e => e.Action is AuditAction.UpdateHidden or AuditAction.UpdateRestored).Select(e => (e.Action, e.Details)));
    }

    private static async Task<(UpdateResult, string?)> ResultAsync(Task<UpdateOutcome> action)
    {
        var outcome = await action;
        return (outcome.Result, outcome.Message);
    }
}

public sealed class UpdatePublishingOnSqlite() : UpdatePublishingTests(DatabaseProvider.Sqlite);

public sealed class UpdatePublishingOnPostgres() : UpdatePublishingTests(DatabaseProvider.Postgres);
