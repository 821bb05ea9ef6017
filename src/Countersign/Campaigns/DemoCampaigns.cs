namespace Countersign.Campaigns;

/// <summary>
/// Sample campaigns for demonstration installs, modelled on real accountability campaigns
/// against investors in and sponsors of facial-recognition surveillance. Every campaign is
/// flagged <see cref="Campaign.IsDemo"/> so it can be told apart from, and removed before, real ones.
/// </summary>
internal static class DemoCampaigns
{
    /// <summary>The open campaign the demo shows first and the benchmark signs: the divestment petition, with a header image.</summary>
    public const string FlagshipSlug = "drop-the-face-recognition-stake";

    /// <summary>The demo campaigns, dated relative to now so deadlines stay in the future.</summary>
    public static IReadOnlyList<Campaign> Create(DateTime utcNow) =>
    [
        DropTheFaceRecognitionStake(utcNow),
        NoSurveillanceSponsorsAtEccv(utcNow),
        EndPartnershipsWithUyghurSurveillance(utcNow),
    ];

    /// <summary>
    /// Published comments on the demo campaigns that take them, oldest first, as (name, text): they show what a
    /// campaign page with comments looks like, and give moderators something to hide and restore.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Name, string Text)[]> Comments = new Dictionary<string, (string, string)[]>
    {
        ["no-surveillance-sponsors-at-eccv"] =
        [
            ("Dana Weiss", "I have reviewed for ECCV before. This year I told the programme chairs I would not, while the workshop keeps this sponsor."),
            ("Karim Nasser", "Our lab read the open letter together and everyone signed. Studying bias in face recognition is worth doing, but not as publicity for a company that runs checkpoint cameras."),
            ("Sara López", "A question for the Catalan universities: who decided to put your names on this workshop, and will you say so publicly?"),
            ("Tomás Okafor", "Forwarded to our department's mailing list.\nIf you are invited to speak, you can still say no."),
        ],
    };

    /// <summary>An organisation on a demo letter: what it says of itself, and the name of the one it belongs to (listed before it).</summary>
    public sealed record DemoSignatory(string Name, string Description, int? Members, string Kind, string Country, string Website, string? Parent = null);

    /// <summary>
    /// The organisations that co-signed the demo letters, in the order they signed, approved by the organisers; the
    /// academy's societies sit under it, so the letter shows nesting and counts members once.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, DemoSignatory[]> Signatories = new Dictionary<string, DemoSignatory[]>
    {
        ["no-surveillance-sponsors-at-eccv"] =
        [
            new("Palestinian Federation of Unions of University Professors & Employees (PFUUPE)", "More than 6,000 university staff at 13 higher-education institutions", 6_000,
                Letters.OrganisationKind.Union, "PS", "https://pfuupe.example.org"),
            new("Palestine Academy for Science and Technology", "The national umbrella for science, technology and innovation projects", null,
                Letters.OrganisationKind.LearnedSociety, "PS", "https://palast.example.org"),
            new("Palestinian Mathematical Society", "Mathematicians in Palestinian universities and schools", null,
                Letters.OrganisationKind.LearnedSociety, "PS", "https://maths.palast.example.org", "Palestine Academy for Science and Technology"),
            new("Palestinian Physics Society", "Physicists in research and teaching", null,
                Letters.OrganisationKind.LearnedSociety, "PS", "https://physics.palast.example.org", "Palestine Academy for Science and Technology"),
            new("Palestinian Chemical Society", "Chemists in research, teaching and industry", null,
                Letters.OrganisationKind.LearnedSociety, "PS", "https://chemistry.palast.example.org", "Palestine Academy for Science and Technology"),
            new("Palestinian Biological Society", "Biologists in research and teaching", null,
                Letters.OrganisationKind.LearnedSociety, "PS", "https://biology.palast.example.org", "Palestine Academy for Science and Technology"),
            new("Palestinian Plant Production and Protection Society", "Researchers in agriculture and plant protection", null,
                Letters.OrganisationKind.LearnedSociety, "PS", "https://plants.palast.example.org", "Palestine Academy for Science and Technology"),
            new("Bisan Center for Research and Development", "Civil-society research on development in Palestine", null,
                Letters.OrganisationKind.ResearchCentre, "PS", "https://bisan.example.org"),
        ],
    };

    private static DateOnly DayOffset(DateTime utcNow, int days) => DateOnly.FromDateTime(utcNow.AddDays(days));

    /// <summary>A made-up history: the demo campaign was edited at another time than the walk through its states, which stamped it.</summary>
    private static Campaign LastEditedAt(this Campaign campaign, DateTime at)
    {
        campaign.UpdatedAt = at;
        return campaign;
    }

    private static Campaign DropTheFaceRecognitionStake(DateTime utcNow) => new Campaign
    {
        Slug = FlagshipSlug,
        Title = "Microsoft: pull M12's money out of AnyVision",
        Summary = "Microsoft's venture fund M12 helped finance AnyVision, an Israeli facial-recognition firm whose "
            + "systems are used at military checkpoints in the occupied West Bank. We are asking Microsoft to divest.",
        BodyMarkdown = """
            In June 2019, M12, the venture capital arm of Microsoft, took part in a $74 million funding round for
            AnyVision, an Israeli company that sells facial-recognition software. Reporting by NBC News has since
            raised hard questions about where that software is put to work: AnyVision's systems are used at Israeli
            military checkpoints in the occupied West Bank, and Palestinian organisations say the company also
            looks after surveillance cameras for the army across the territory.

            ## Microsoft's own principles

            Microsoft has published six principles meant to govern its facial-recognition work. One is a pledge
            on lawful surveillance: the company says it will stand up for people's democratic freedoms when police
            use the technology, and will keep it out of settings where those freedoms would be at risk. At a
            checkpoint run by an occupying army, Palestinians have no such freedoms to begin with. Bankrolling a
            company that operates there cannot be squared with that pledge.

            ## The campaign so far

            Jewish Voice for Peace, MPower Change and SumOfUs launched #DropAnyVision to press the point. In
            November 2019 Microsoft said it had asked former US Attorney General Eric Holder to lead an outside
            audit of the investment. In December, as shareholders questioned the stake at a company shareholder
            meeting, hundreds of people joined a #DropAnyVision storm on Twitter.

            An audit is not a decision. Each signature adds weight to a simple message: Microsoft should step away
            from AnyVision and show that its principles mean something in practice.

            _This demonstration campaign recreates the #DropAnyVision petition of 2019–2020. In the real campaign,
            more than 75,000 signatures were handed in at Microsoft's Redmond campus in January 2020, and in March
            2020 Microsoft announced that it would sell its AnyVision stake and stop taking minority stakes in
            companies that sell facial-recognition technology._
            """,
        Demands =
        [
            "Sell M12's holding in AnyVision and make no further investment in the company.",
            "Publish the findings of the external audit of the AnyVision investment in full.",
            "Apply Microsoft's facial-recognition principles, including its lawful-surveillance pledge, to every company M12 funds.",
        ],
        Targets = ["Microsoft (M12 venture fund)"],
        Hosts =
        [
            new() { Name = "Jewish Voice for Peace", Website = "https://www.jewishvoiceforpeace.org/", Position = 0, Description = "A grassroots movement in the United States working for a just and lasting peace; it led this campaign" },
            new() { Name = "MPower Change", Website = "https://mpowerchange.org/", Position = 1, Description = "Co-launched #DropAnyVision and helped carry the petition to Microsoft's headquarters" },
            new() { Name = "SumOfUs", Website = null, Position = 2, Description = "Co-launched #DropAnyVision with Jewish Voice for Peace and MPower Change" },
        ],
        Goal = 75_000,
        Milestones = [1_000, 10_000, 50_000],
        Deadline = DayOffset(utcNow, 60),
        IsDemo = true,
        Language = "en",
        CreatedAt = utcNow.AddDays(-40),
    }.WalkTo(CampaignState.Open, utcNow.AddDays(-39)).LastEditedAt(utcNow.AddDays(-2));

    private static Campaign NoSurveillanceSponsorsAtEccv(DateTime utcNow) => new Campaign
    {
        Slug = "no-surveillance-sponsors-at-eccv",
        Title = "Researchers: don't lend your name to the AnyVision-sponsored workshop at ECCV 2020",
        Summary = "Palestinian academic and scientific organisations ask researchers and universities to stay out of "
            + "a facial-recognition workshop and challenge at ECCV 2020 that are co-organised with AnyVision.",
        BodyMarkdown = """
            The European Conference on Computer Vision (ECCV 2020) scheduled an online workshop for 28 August 2020
            under the title "Fair Face Recognition and Analysis", together with a competition called "Looking at
            People Fair Face Recognition". Both are organised jointly with AnyVision, the Israeli facial-recognition
            company.

            In an open letter dated 24 July 2020, Palestinian academic, scientific and research organisations asked
            colleagues abroad to keep their distance from both events. The letter notes that AnyVision's face-recognition
            systems are installed at checkpoints the Israeli army runs across the occupied Palestinian territory,
            and that the company services army surveillance cameras far inside the West Bank. Checkpoints restrict Palestinians'
            movement, cut towns and villages off from one another, and are used to watch people and collect data
            about them.

            ## Fairness as a fig leaf

            The workshop presents itself as a place to study bias in face analysis and ways to reduce it. The
            signatories argue that, with AnyVision as a sponsor, its real effect is to polish the reputation of the
            company and of facial recognition in general. AnyVision is run by veterans of Israeli military and
            intelligence services and can advertise its products as proven in the field on Palestinians. Three
            universities in Catalonia (University of Barcelona, Autonomous University of Barcelona and Open
            University of Catalonia) are among the institutions involved.

            ## A technology under pressure

            Calls to ban facial recognition outright are growing, citing how invasive it is, its use by police and
            armies for mass surveillance, racial profiling, the singling out of activists, and the heavier harm it does to
            Black and Brown communities. IBM, Amazon and Microsoft have all stepped back from it, and in March 2020
            Microsoft said it would divest from AnyVision after a campaign headed by Jewish Voice for Peace.

            _This demonstration campaign is based on the appeal published in July 2020._
            """,
        Demands =
        [
            "ECCV 2020 should drop the Fair Face Recognition and Analysis workshop from its programme.",
            "University of Barcelona, Autonomous University of Barcelona and Open University of Catalonia should withdraw their support for the workshop.",
            "Invited speakers and researchers everywhere should decline to take part in the workshop or in its AnyVision-sponsored challenge.",
        ],
        Targets =
        [
            "European Conference on Computer Vision (ECCV 2020)",
            "University of Barcelona",
            "Autonomous University of Barcelona",
            "Open University of Catalonia",
            "Invited speakers and participating researchers",
        ],
        Hosts =
        [
            new() { Name = "Palestinian Federation of Unions of University Professors & Employees (PFUUPE)", Website = null, Position = 0, Description = "Speaks for more than 6,000 university staff at 13 Palestinian institutions" },
            new() { Name = "Palestine Academy for Science and Technology (PalAST)", Website = null, Position = 1, Description = "The national academy that fosters science, technology and innovation in Palestine" },
            new() { Name = "Bisan Center for Research & Development", Website = null, Position = 2, Description = "A civil-society research centre studying development in Palestine" },
        ],
        LetterAddressees = "The organisers, speakers and participants of ECCV 2020, and the universities that support its face-recognition workshop",
        LetterMarkdown = """
            We write as Palestinian academic, scientific and research organisations, and as colleagues who stand with them.

            The workshop "Fair Face Recognition and Analysis" and its challenge are organised together with AnyVision,
            whose face-recognition systems watch Palestinians at the Israeli army's checkpoints in the occupied territory.
            Research on bias deserves a place at ECCV; a sponsor whose products sort people at checkpoints does not.

            Lending a university's or a researcher's name to these events helps present that technology as fair and
            proven. We ask you not to.
            """,
        LetterCalls =
        [
            "Remove the Fair Face Recognition and Analysis workshop and its challenge from the ECCV 2020 programme.",
            "Universities: withdraw your support for the workshop and say so publicly.",
            "Researchers and invited speakers: decline to take part while AnyVision sponsors it.",
        ],
        Goal = 10_000,
        Deadline = DayOffset(utcNow, 21),
        CommentMode = Countersign.Comments.CommentMode.PostModerated,
        IsDemo = true,
        Language = "en",
        CreatedAt = utcNow.AddDays(-10),
    }.WalkTo(CampaignState.Open, utcNow.AddDays(-9)).LastEditedAt(utcNow.AddDays(-1));

    private static Campaign EndPartnershipsWithUyghurSurveillance(DateTime utcNow) => new Campaign
    {
        Slug = "end-partnerships-with-uyghur-surveillance",
        Title = "Sports stars and sponsors: end your Huawei deals over the \"Uyghur alarm\"",
        Summary = "An IPVM investigation reported that Huawei and Megvii tested a face-recognition \"Uyghur alarm\". "
            + "Antoine Griezmann has ended his Huawei partnership; we asked other athletes and sponsors to do the same.",
        BodyMarkdown = """
            IPVM, a video-surveillance research firm based in Pennsylvania, investigated a Huawei document from 2018
            that was marked confidential yet sat openly on the company's European website. It describes tests of a
            camera-based facial-recognition system, built with the Chinese AI company Megvii, that lists a "Uyghur
            alarm" among its basic functions. According to IPVM, Huawei recorded that Megvii's Uyghur recognition
            had passed those tests. The document was taken down shortly after IPVM asked Huawei about it.

            The findings, picked up by outlets including The Washington Post, add to a long record of repression
            against the Uyghurs, a largely Muslim minority in China. IPVM also reports that more than a dozen Chinese
            police departments use analytics of this kind, and that the country's largest camera makers, Hikvision,
            Dahua and Uniview, have each offered comparable features. Software that sorts people by ethnicity and
            alerts the police is a tool of persecution, whatever the marketing says.

            ## Athletes can say no

            Soon after the investigation came out, the French forward Antoine Griezmann, then playing for FC
            Barcelona, announced on Instagram that he was ending his partnership with Huawei. His decision showed
            that sponsorship deals are not neutral: they lend fame and public trust to the company behind them. This
            campaign asked other athletes, clubs and sponsors to follow his example.

            _This campaign is closed. Thank you to everyone who signed._
            """,
        Demands =
        [
            "Athletes and clubs with Huawei sponsorship or endorsement deals should end them, as Antoine Griezmann did.",
            "Sponsors and sports bodies should refuse new partnerships with companies that build or test ethnicity-based surveillance.",
            "Huawei should account publicly for its part in testing the \"Uyghur alarm\" and withdraw any product that flags people by ethnicity.",
        ],
        Targets =
        [
            "Athletes with Huawei endorsement deals",
            "Sports clubs and competitions sponsored by Huawei",
            "Huawei",
        ],
        Hosts =
        [
            new() { Name = "Uyghur solidarity groups", Website = null, Position = 0 },
        ],
        Goal = 25_000,
        Deadline = DayOffset(utcNow, -5),
        IsDemo = true,
        Language = "en",
        CreatedAt = utcNow.AddDays(-120),
    }.WalkTo(CampaignState.Closed, utcNow.AddDays(-4)).LastEditedAt(utcNow.AddDays(-5));
}
