using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Campaigns;

/// <summary>What organisers do with a campaign's header image, on a real database without a web host.</summary>
public abstract class CampaignImagesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly ClaimsPrincipal Organiser = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "organiser@example.org")], "test"));

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_upload_replace_describe_and_remove_with_an_audit_entry_for_each_and_no_file_left_behind()
    {
        var campaign = await Database.AddCampaignAsync();

        Assert.Equal(CampaignImageOutcome.Saved, (await WithImagesAsync(campaign.Id, (images, found) =>
            images.UploadAsync(found, Upload(TestPictures.Halves(2000, 1000), "  Protesters   outside the fund's office "), Organiser, default))).Outcome);
        var first = await Database.WithDbAsync(db => db.CampaignImages.AsNoTracking().SingleAsync());
        Assert.Equal(("Protesters outside the fund's office", 1600, 800), (first.Alt, first.Width, first.Height));
        Assert.Equal([480, 960, 1600], await Database.WithDbAsync(db => db.CampaignImageFiles.OrderBy(f => f.Width).Select(f => f.Width).ToListAsync()));
        Assert.NotNull(await Database.WithAsync((CampaignImages images) => images.FileAsync(first.Token, 960, default)));
        Assert.Null(await Database.WithAsync((CampaignImages images) => images.FileAsync(first.Token, 961, default)));

        Assert.Equal(CampaignImageOutcome.Saved, (await WithImagesAsync(campaign.Id, (images, found) =>
            images.UploadAsync(found, Upload(TestPictures.Halves(800, 600), "A banner"), Organiser, default))).Outcome);
        var second = await Database.WithDbAsync(db => db.CampaignImages.AsNoTracking().SingleAsync());
        Assert.NotEqual(first.Token, second.Token);
        Assert.Null(await Database.WithAsync((CampaignImages images) => images.FileAsync(first.Token, 960, default)));
        Assert.Equal([480, 800], await Database.WithDbAsync(db => db.CampaignImageFiles.OrderBy(f => f.Width).Select(f => f.Width).ToListAsync()));

        Assert.Equal(CampaignImageOutcome.Saved, (await WithImagesAsync(campaign.Id, (images, found) =>
            images.DescribeAsync(found, new CampaignImageInput { Alt = "A banner on the bridge" }, Organiser, default))).Outcome);
        Assert.Equal("A banner on the bridge", await Database.WithDbAsync(db => db.CampaignImages.Select(i => i.Alt).SingleAsync()));

        Assert.Equal(CampaignImageOutcome.Saved, (await WithImagesAsync(campaign.Id, (images, found) => images.RemoveAsync(found, Organiser, default))).Outcome);
        Assert.Equal(CampaignImageOutcome.NoImage, (await WithImagesAsync(campaign.Id, (images, found) => images.RemoveAsync(found, Organiser, default))).Outcome);
        Assert.Equal(0, await Database.WithDbAsync(db => db.CampaignImages.CountAsync()));
        Assert.Equal(0, await Database.WithDbAsync(db => db.CampaignImageFiles.CountAsync()));
        Assert.Equal([AuditAction.ImageUploaded, AuditAction.ImageUploaded, AuditAction.ImageDescribed, AuditAction.ImageRemoved],
            await Database.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync()));
    }

    [Fact]
    public async Task Should_refuse_a_missing_file_a_bad_picture_and_a_missing_or_long_description_and_keep_nothing()
    {
        var campaign = await Database.AddCampaignAsync();
        var attempts = new (CampaignImageInput Input, string[] Fields)[]
        {
            (new CampaignImageInput { Alt = "A banner" }, ["File"]),
            (Upload(TestPictures.Halves(2000, 1000), "   "), ["Alt"]),
            (Upload(TestPictures.Halves(2000, 1000), new string('a', CampaignImage.AltMaxLength + 1)), ["Alt"]),
            (Upload("GIF89a but not really"u8.ToArray(), ""), ["Alt", "File"]),
        };

        foreach (var (input, fields) in attempts)
        {
            var result = await WithImagesAsync(campaign.Id, (images, found) => images.UploadAsync(found, input, Organiser, default));
            Assert.Equal(CampaignImageOutcome.Invalid, result.Outcome);
            Assert.Equal(fields, result.Problems.Keys.Order(StringComparer.Ordinal));
        }

        Assert.Equal(0, await Database.WithDbAsync(db => db.CampaignImages.CountAsync()));
        Assert.Empty(await Database.WithDbAsync(db => db.AuditEntries.ToListAsync()));
    }

    [Theory]
    [InlineData(CampaignState.InReview, MoveRefusal.WaitingForReview)]
    [InlineData(CampaignState.Sponsoring, MoveRefusal.GatheringSponsors)]
    public async Task Should_keep_the_page_moderators_and_supporters_read_while_they_read_it(string state, MoveRefusal refusal)
    {
        var campaign = await Database.AddCampaignAsync(state: state);

        var result = await WithImagesAsync(campaign.Id, (images, found) => images.UploadAsync(found, Upload(TestPictures.Halves(2000, 1000), "A banner"), Organiser, default));

        Assert.Equal((CampaignImageOutcome.NotAllowed, refusal), (result.Outcome, result.Refusal));
        Assert.Equal(0, await Database.WithDbAsync(db => db.CampaignImages.CountAsync()));
    }

    [Fact]
    public async Task Should_keep_one_image_when_two_organisers_upload_at_the_same_moment()
    {
        var campaign = await Database.AddCampaignAsync();
        await using var first = Database.Scope();
        await using var second = Database.Scope();
        var firstImages = first.ServiceProvider.GetRequiredService<CampaignImages>();
        var secondImages = second.ServiceProvider.GetRequiredService<CampaignImages>();
        var readByFirst = (await firstImages.FindAsync(campaign.Id, default))!;
        var readBySecond = (await secondImages.FindAsync(campaign.Id, default))!;

        Assert.Equal(CampaignImageOutcome.Saved, (await firstImages.UploadAsync(readByFirst, Upload(TestPictures.Halves(800, 600), "The first"), Organiser, default)).Outcome);
        Assert.Equal(CampaignImageOutcome.Conflict, (await secondImages.UploadAsync(readBySecond, Upload(TestPictures.Halves(800, 600), "The second"), Organiser, default)).Outcome);

        Assert.Equal("The first", await Database.WithDbAsync(db => db.CampaignImages.Select(i => i.Alt).SingleAsync()));
        Assert.Equal(2, await Database.WithDbAsync(db => db.CampaignImageFiles.CountAsync()));
    }

    [Fact]
    public async Task Should_find_no_file_for_a_made_up_or_oversized_token()
    {
        Assert.Null(await Database.WithAsync((CampaignImages images) => images.FileAsync("made-up", 480, default)));
        Assert.Null(await Database.WithAsync((CampaignImages images) => images.FileAsync(new string('x', 10_000), 480, default)));
    }

    private Task<CampaignImageResult> WithImagesAsync(int campaignId, Func<CampaignImages, Campaign, Task<CampaignImageResult>> work) =>
        Database.WithAsync(async (CampaignImages images) => await work(images, (await images.FindAsync(campaignId, default))!));

    private static CampaignImageInput Upload(byte[] bytes, string alt) =>
        new() { File = new FormFile(new MemoryStream(bytes), 0, bytes.Length, "Input.File", "photo.jpg"), Alt = alt };
}

public sealed class CampaignImagesOnSqlite() : CampaignImagesTests(DatabaseProvider.Sqlite);

public sealed class CampaignImagesOnPostgres() : CampaignImagesTests(DatabaseProvider.Postgres);
