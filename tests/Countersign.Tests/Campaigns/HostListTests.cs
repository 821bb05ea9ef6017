using Countersign.Campaigns;
using Countersign.Tests.Infrastructure;
using SkiaSharp;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// The hosts list of the campaign form, edited while signers' consents point at host ids: a line taken out makes its
/// host leave rather than vanish, and a host that left never comes back through the list.
/// </summary>
public sealed class HostListTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    private static Campaign Hosted(params string[] hosts)
    {
        var campaign = new Campaign { Slug = "divest-now", Title = "", Summary = "" };
        campaign.Hosts.AddRange(hosts.Select((name, position) => new CampaignHost { Id = position + 1, Name = name, Position = position }));
        return campaign;
    }

    private static void Edit(Campaign campaign, params string[] hosts) =>
        (CampaignContent.Of(campaign) with { Hosts = hosts }).ApplyAsksTo(campaign, Now);

    [Fact]
    public void Should_make_a_host_leave_when_its_line_is_taken_out_and_keep_its_id()
    {
        var campaign = Hosted("Station Watch", "Digital Rights Group");
        Edit(campaign, "Digital Rights Group | https://rights.example");

        var gone = campaign.Hosts.Single(h => h.Name == "Station Watch");
        Assert.Equal((1, Now), (gone.Id, gone.LeftAt!.Value));
        Assert.Equal(["Digital Rights Group | https://rights.example"], CampaignContent.Of(campaign).Hosts);
        Assert.Equal(2, campaign.Hosts.Single(h => h.Name == "Digital Rights Group").Id);
    }

    [Fact]
    public void Should_not_bring_back_a_host_that_left_nor_make_a_namesake_when_its_line_is_typed_again()
    {
        var campaign = Hosted("Station Watch", "Digital Rights Group");
        campaign.Hosts[0].Leave(Now.AddDays(-1));

        // A proposal written before it left, approved after, still names it.
        Edit(campaign, "Station Watch", "Digital Rights Group", "Transit Workers Union");

        Assert.Equal(Now.AddDays(-1), campaign.Hosts[0].LeftAt);
        Assert.Single(campaign.Hosts, h => h.Name == "Station Watch");
        Assert.Equal(["Digital Rights Group", "Transit Workers Union"], CampaignContent.Of(campaign).Hosts);

        var input = new CampaignInput { Hosts = "Station Watch\nDigital Rights Group" };
        Assert.Contains(nameof(CampaignInput.Hosts), input.ValidateHostsOf(campaign).Keys);
        Assert.Empty(new CampaignInput { Hosts = "Digital Rights Group" }.ValidateHostsOf(campaign));
    }

    [Theory]
    [InlineData("p12", 12)]
    [InlineData("p1", 1)]
    [InlineData("p012", null)]
    [InlineData("P12", null)]
    [InlineData("p+12", null)]
    [InlineData("p 12", null)]
    [InlineData("p12 ", null)]
    [InlineData("p", null)]
    [InlineData("p0", null)]
    [InlineData("p99999999999", null)]
    [InlineData("p１２", null)]
    [InlineData("whatsapp", null)]
    public void Should_read_a_partners_code_only_as_it_is_written(string via, int? hostId)
    {
        Assert.Equal(hostId, Referral.PartnerHostId(via));
        Assert.Null(Referral.Parse(via) is not null && hostId is not null ? "a code read as both a channel and a partner" : null);
    }

    [Fact]
    public void Should_keep_a_partner_code_on_the_form_only_for_a_current_host_of_the_campaign()
    {
        var campaign = Hosted("Station Watch", "Digital Rights Group");
        campaign.Hosts[1].Leave(Now);
        Assert.Equal("p1", Referral.ForForm(campaign, "p1"));
        Assert.Equal(1, Referral.CreditedHostId(campaign, "p1"));
        Assert.Null(Referral.ForForm(campaign, "p2"));
        Assert.Null(Referral.CreditedHostId(campaign, "p2"));
        Assert.Null(Referral.ForForm(campaign, "p3"));
        Assert.Equal(Referral.Email, Referral.ForForm(campaign, Referral.Email));
        Assert.Equal("https://countersign.test/c/divest-now?via=p1", Referral.Mark("https://countersign.test/c/divest-now", campaign.Hosts[0].ReferralCode));
    }

    [Theory]
    [InlineData(800, 400, 320, 160)]
    [InlineData(400, 400, 160, 160)]
    [InlineData(2000, 250, 320, 40)]
    [InlineData(100, 50, 100, 50)]
    public async Task Should_draw_a_logo_within_320_by_160_pixels_keeping_its_shape(int width, int height, int storedWidth, int storedHeight)
    {
        var (problem, logo) = await HeaderImageEncoder.EncodeAsync(TestPictures.Halves(width, height, SKEncodedImageFormat.Png), ImageShape.Logo, default);
        Assert.Equal(HeaderImageProblem.None, problem);
        var file = Assert.Single(logo!.Files);
        Assert.Equal((storedWidth, storedHeight), (file.Width, file.Height));
    }

    [Fact]
    public async Task Should_refuse_a_logo_too_small_and_a_file_that_is_no_picture()
    {
        Assert.Equal(HeaderImageProblem.TooSmall, (await HeaderImageEncoder.EncodeAsync(TestPictures.Halves(40, 40, SKEncodedImageFormat.Png), ImageShape.Logo, default)).Problem);
        Assert.Equal(HeaderImageProblem.NotAnImage, (await HeaderImageEncoder.EncodeAsync("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), ImageShape.Logo, default)).Problem);
    }
}
