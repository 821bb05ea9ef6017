using System.Collections;
using System.Security.Cryptography;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using NpgsqlTypes;

namespace Countersign.Tests.Signing;

/// <summary>
/// The intake's plain SQL on each provider: its column lists held to the EF model, and every
/// statement run on the provider it is written for (COPY and arrays on PostgreSQL, prepared
/// statements and JSON on SQLite).
/// </summary>
public abstract class SignatureRowsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_write_every_signature_column_but_the_id_and_the_moderators_invalidation()
    {
        var model = await Database.WithDbAsync(db => Task.FromResult(db.Model));

        AssertColumns(model, typeof(Signature), SignatureRows.SignatureColumns.Select(c => (c.Name, c.Type)), nameof(Signature.Id), nameof(Signature.InvalidationId));
        AssertColumns(model, typeof(OutboxMessage), SignatureRows.OutboxColumns.Select(c => (c.Name, c.Type)),
            nameof(OutboxMessage.Id), nameof(OutboxMessage.SentAt), nameof(OutboxMessage.LastError));
    }

    [Fact]
    public async Task Should_store_signatures_as_the_model_reads_them()
    {
        var campaign = await Database.AddCampaignAsync();
        var written = Filled(campaign.Id, "leila@example.org");

        await WithRowsAsync(rows => rows.InsertAsync([written, Filled(campaign.Id, "other@example.org")]));

        var stored = await Database.WithDbAsync(db => db.Signatures.AsNoTracking().SingleAsync(s => s.EmailKey == written.EmailKey));
        await AssertSameColumnsAsync(written, stored, nameof(Signature.Id));
    }

    [Fact]
    public async Task Should_store_outbox_messages_as_the_model_reads_them()
    {
        var now = WholeSeconds(Database.Clock.GetUtcNow().UtcDateTime);
        var written = new OutboxMessage { Kind = SignerEmails.ConfirmationKind, MessageCiphertext = RandomNumberGenerator.GetBytes(40), CreatedAt = now, NextAttemptAt = now.AddMinutes(1), Attempts = 2 };

        await WithRowsAsync(rows => rows.InsertAsync([written]));

        await AssertSameColumnsAsync(written, await Database.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync()), nameof(OutboxMessage.Id));
    }

    [Fact]
    public async Task Should_find_stored_signatures_by_email_key_and_replace_one_keeping_its_campaign_and_key()
    {
        var campaign = await Database.AddCampaignAsync();
        var first = Filled(campaign.Id, "first@example.org");
        var second = Filled(campaign.Id, "second@example.org");
        await WithRowsAsync(rows => rows.InsertAsync([first, second]));
        var ids = await Database.WithDbAsync(db => db.Signatures.ToDictionaryAsync(s => Convert.ToHexString(s.EmailKey), s => s.Id));

        var found = await WithRowsAsync(rows => rows.FindAsync(campaign.Id, [first.EmailKey, RandomNumberGenerator.GetBytes(32)]));

        var stored = Assert.Single(found);
        Assert.Equal(Convert.ToHexString(first.EmailKey), stored.Key);
        Assert.Equal((ids[stored.Key], first.State, first.ConfirmationTokenExpiresAt, first.HeldBecause, first.RepeatEmailAt),
            (stored.Value.Id, stored.Value.State, stored.Value.ConfirmationTokenExpiresAt, stored.Value.HeldBecause, stored.Value.RepeatEmailAt));

        var replacement = Filled(campaign.Id, "someone-else@example.org");
        replacement.State = SignatureState.Pending;
        await WithRowsAsync(rows => rows.ReplaceAsync(stored.Value.Id, replacement));

        var replaced = await Database.WithDbAsync(db => db.Signatures.AsNoTracking().SingleAsync(s => s.Id == stored.Value.Id));
        await AssertSameColumnsAsync(replacement, replaced, nameof(Signature.Id), nameof(Signature.EmailKey));
        Assert.Equal(first.EmailKey, replaced.EmailKey);
    }

    [Fact]
    public async Task Should_spend_each_challenge_once_and_forget_expired_ones()
    {
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        SpentChallenge Challenge(DateTime expires) => new() { Nonce = RandomNumberGenerator.GetBytes(16), ExpiresAt = expires };
        var expired = Challenge(now.AddMinutes(-1));
        var live = Challenge(now.AddMinutes(10));
        SpentChallenge[] later = [expired, live, Challenge(now.AddMinutes(10))];

        Assert.Empty(await WithRowsAsync(rows => rows.SpendAsync([expired, live], now.AddMinutes(-2), purgeExpired: false)));
        var spentBefore = await WithRowsAsync(rows => rows.SpendAsync(later, now, purgeExpired: true));

        // The expired record went first, so only the live challenge was spent before.
        Assert.Equal([Convert.ToHexString(live.Nonce)], spentBefore.ToArray());
        Assert.Equal(later.Length, await Database.WithDbAsync(db => db.SpentChallenges.CountAsync()));
    }

    [Fact]
    public async Task Should_claim_a_repeat_email_once_a_period_and_count_them_by_address()
    {
        var first = await Database.AddCampaignAsync("first");
        var second = await Database.AddCampaignAsync("second");
        var signatures = new[] { Filled(first.Id, "leila@example.org"), Filled(second.Id, "leila@example.org") };
        signatures[0].RepeatEmailAt = signatures[1].RepeatEmailAt = null;
        await WithRowsAsync(rows => rows.InsertAsync(signatures));
        var ids = await Database.WithDbAsync(db => db.Signatures.OrderBy(s => s.CampaignId).Select(s => s.Id).ToListAsync());
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var since = now.AddHours(-1);

        Assert.True(await WithRowsAsync(rows => rows.ClaimRepeatEmailAsync(ids[0], now, since)));
        Assert.False(await WithRowsAsync(rows => rows.ClaimRepeatEmailAsync(ids[0], now, since)));
        Assert.True(await WithRowsAsync(rows => rows.ClaimRepeatEmailAsync(ids[1], now, since)));

        Assert.Equal(signatures.Length, await WithRowsAsync(rows => rows.CountRepeatEmailsAsync(signatures[0].EmailKey, since)));
        Assert.Equal(0, await WithRowsAsync(rows => rows.CountRepeatEmailsAsync(signatures[0].EmailKey, now)));
    }

    [Fact]
    public async Task Should_change_a_pending_signatures_confirmation_link()
    {
        var campaign = await Database.AddCampaignAsync();
        await WithRowsAsync(rows => rows.InsertAsync([Filled(campaign.Id, "leila@example.org")]));
        var id = await Database.WithDbAsync(db => db.Signatures.Select(s => s.Id).SingleAsync());
        var hash = RandomNumberGenerator.GetBytes(32);
        var expires = WholeSeconds(Database.Clock.GetUtcNow().UtcDateTime.AddDays(7));

        await WithRowsAsync(rows => rows.SetConfirmationTokenAsync(id, hash, expires));

        var stored = await Database.WithDbAsync(db => db.Signatures.SingleAsync());
        Assert.Equal(hash, stored.ConfirmationTokenHash);
        Assert.Equal(expires, stored.ConfirmationTokenExpiresAt);
    }

    [Fact]
    public async Task Should_take_one_host_out_of_a_signatures_consents_once()
    {
        var campaign = await Database.AddCampaignAsync();
        var signature = Filled(campaign.Id, "leila@example.org");
        signature.UpdatesFromHostIds = [3, 5, 8];
        await WithRowsAsync(rows => rows.InsertAsync([signature]));
        var id = await Database.WithDbAsync(db => db.Signatures.Select(s => s.Id).SingleAsync());

        Assert.Equal(1, await Database.WithDbAsync(db => SignatureRows.RemoveConsentAsync(db, id, 5)));
        Assert.Equal(0, await Database.WithDbAsync(db => SignatureRows.RemoveConsentAsync(db, id, 5)));

        Assert.Equal([3, 8], await Database.WithDbAsync(db => db.Signatures.Select(s => s.UpdatesFromHostIds).SingleAsync()));
    }

    /// <summary>A signature with every column the intake writes set to a value of its own.</summary>
    private Signature Filled(int campaignId, string email)
    {
        var now = WholeSeconds(Database.Clock.GetUtcNow().UtcDateTime);
        return new Signature
        {
            CampaignId = campaignId,
            NameCiphertext = RandomNumberGenerator.GetBytes(20),
            EmailCiphertext = RandomNumberGenerator.GetBytes(30),
            EmailKey = Database.Get<PersonalDataProtector>().EmailKey(EmailAddress.Normalise(email)),
            PostcodeCiphertext = RandomNumberGenerator.GetBytes(10),
            CountryCode = "FR",
            ShowNamePublicly = true,
            UpdatesFromHostIds = [2, 7],
            Locale = "fr",
            State = SignatureState.Confirmed,
            IsDemo = true,
            CreatedAt = now.AddMinutes(-5),
            ConfirmedAt = now.AddMinutes(-4),
            ConfirmationTokenHash = RandomNumberGenerator.GetBytes(32),
            ConfirmationTokenExpiresAt = now.AddDays(7),
            InvalidatedBecause = BotChecks.ReplayedReason,
            HeldBecause = "network-rate",
            AddressHash = RandomNumberGenerator.GetBytes(16),
            NetworkHash = RandomNumberGenerator.GetBytes(16),
            EmailDomainKey = RandomNumberGenerator.GetBytes(16),
            RepeatEmailAt = now.AddMinutes(-1),
        };
    }

    private async Task<T> WithRowsAsync<T>(Func<SignatureRows, Task<T>> work) =>
        await Database.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var result = await work(new SignatureRows(db.Database.GetDbConnection(), transaction.GetDbTransaction()));
            await transaction.CommitAsync();
            return result;
        });

    private Task WithRowsAsync(Func<SignatureRows, Task> work) => WithRowsAsync(async rows =>
    {
        await work(rows);
        return true;
    });

    /// <summary>The written columns are the entity's, less <paramref name="notWritten"/>; on PostgreSQL, each with the type COPY sends.</summary>
    private void AssertColumns(IModel model, Type entity, IEnumerable<(string Name, NpgsqlDbType Type)> written, params string[] notWritten)
    {
        var entityType = model.FindEntityType(entity)!;
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!);
        var expected = entityType.GetProperties().Where(p => !notWritten.Contains(p.Name)).ToDictionary(p => p.GetColumnName(table)!, p => p.GetColumnType());
        var columns = written.ToList();
        Assert.Equal(expected.Keys.Order(), columns.Select(c => c.Name).Order());
        if (provider == DatabaseProvider.Postgres)
        {
            Assert.All(columns, column => Assert.Equal(expected[column.Name], PostgresType(column.Type, expected[column.Name])));
        }
    }

    /// <summary>The PostgreSQL column type that a COPY value of <paramref name="type"/> fits; for text, the model's own length.</summary>
    private static string PostgresType(NpgsqlDbType type, string modelType) => type switch
    {
        NpgsqlDbType.Integer => "integer",
        NpgsqlDbType.Bytea => "bytea",
        NpgsqlDbType.Boolean => "boolean",
        NpgsqlDbType.TimestampTz => "timestamp with time zone",
        NpgsqlDbType.Array | NpgsqlDbType.Integer => "integer[]",
        NpgsqlDbType.Varchar when modelType.StartsWith("character varying", StringComparison.Ordinal) || modelType == "text" => modelType,
        _ => $"no column type for {type}",
    };

    /// <summary>Every mapped property of the two rows is equal, but <paramref name="except"/>.</summary>
    private async Task AssertSameColumnsAsync<T>(T written, T stored, params string[] except)
    {
        var model = await Database.WithDbAsync(db => Task.FromResult(db.Model));
        foreach (var property in model.FindEntityType(typeof(T))!.GetProperties().Where(p => !except.Contains(p.Name)))
        {
            var expected = property.PropertyInfo!.GetValue(written);
            var actual = property.PropertyInfo.GetValue(stored);
            Assert.True(expected is IEnumerable and not string
                    ? ((IEnumerable)expected).Cast<object>().SequenceEqual(((IEnumerable)actual!).Cast<object>())
                    : Equals(expected, actual),
                $"{property.Name}: wrote {expected}, read {actual}");
        }
    }

    private static DateTime WholeSeconds(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}

public sealed class SignatureRowsOnSqlite() : SignatureRowsTests(DatabaseProvider.Sqlite);

public sealed class SignatureRowsOnPostgres() : SignatureRowsTests(DatabaseProvider.Postgres);
