using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Countersign.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CampaignLifecycleAndAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "OpenedAt",
                table: "Campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "Campaigns",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "ongoing");

            migrationBuilder.AddColumn<DateOnly>(
                name: "OutcomeOn",
                table: "Campaigns",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutcomeText",
                table: "Campaigns",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectionReason",
                table: "Campaigns",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StaffUserId = table.Column<int>(type: "integer", nullable: true),
                    Action = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    CampaignId = table.Column<int>(type: "integer", nullable: true),
                    Details = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CampaignReviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CampaignId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Content = table.Column<string>(type: "text", nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SubmittedBy = table.Column<int>(type: "integer", nullable: true),
                    Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignReviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CampaignReviews_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_CampaignId",
                table: "AuditEntries",
                column: "CampaignId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignReviews_CampaignId",
                table: "CampaignReviews",
                column: "CampaignId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignReviews_Decision_SubmittedAt",
                table: "CampaignReviews",
                columns: new[] { "Decision", "SubmittedAt" });

            // Campaigns that were published before this migration were opened when they were created, as far as anyone knows.
            migrationBuilder.Sql("""UPDATE "Campaigns" SET "OpenedAt" = "CreatedAt" WHERE "State" <> 'draft';""");

            // The audit log is append-only for everyone, this app included: no UPDATE, DELETE or TRUNCATE.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_entries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'The audit log cannot be changed.'; END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON "AuditEntries"
                FOR EACH ROW EXECUTE FUNCTION audit_entries_are_append_only();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON "AuditEntries"
                FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_are_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS audit_entries_no_change ON "AuditEntries";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS audit_entries_no_truncate ON "AuditEntries";""");
            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_entries_are_append_only();");

            migrationBuilder.DropTable(
                name: "CampaignReviews");

            migrationBuilder.DropColumn(
                name: "OpenedAt",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "OutcomeOn",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "OutcomeText",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "RejectionReason",
                table: "Campaigns");
        }
    }
}
