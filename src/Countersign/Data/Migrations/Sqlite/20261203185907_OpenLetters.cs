using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OpenLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LetterAddressees",
                table: "Campaigns",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LetterCalls",
                table: "Campaigns",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "LetterMarkdown",
                table: "Campaigns",
                type: "TEXT",
                maxLength: 20000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "LetterVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Addressees = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    TextMarkdown = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Calls = table.Column<string>(type: "TEXT", nullable: false),
                    Hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LetterVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LetterVersions_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CoSignatures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    LetterVersionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Members = table.Column<int>(type: "INTEGER", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    CountryCode = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    Website = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ParentId = table.Column<long>(type: "INTEGER", nullable: true),
                    ContactNameCiphertext = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ContactRoleCiphertext = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ContactEmailCiphertext = table.Column<byte[]>(type: "BLOB", nullable: false),
                    EmailKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    DomainVerified = table.Column<bool>(type: "INTEGER", nullable: false),
                    FlaggedBecause = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConfirmedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecidedBy = table.Column<int>(type: "INTEGER", nullable: true),
                    RejectionReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    WithdrawnAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ConfirmationTokenHash = table.Column<byte[]>(type: "BLOB", nullable: true),
                    ConfirmationTokenExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CoSignatures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CoSignatures_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CoSignatures_CoSignatures_ParentId",
                        column: x => x.ParentId,
                        principalTable: "CoSignatures",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_CoSignatures_LetterVersions_LetterVersionId",
                        column: x => x.LetterVersionId,
                        principalTable: "LetterVersions",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_CoSignatures_CampaignId_State",
                table: "CoSignatures",
                columns: new[] { "CampaignId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_CoSignatures_ConfirmationTokenHash",
                table: "CoSignatures",
                column: "ConfirmationTokenHash");

            migrationBuilder.CreateIndex(
                name: "IX_CoSignatures_LetterVersionId",
                table: "CoSignatures",
                column: "LetterVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_CoSignatures_ParentId",
                table: "CoSignatures",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_LetterVersions_CampaignId_Hash",
                table: "LetterVersions",
                columns: new[] { "CampaignId", "Hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LetterVersions_CampaignId_Number",
                table: "LetterVersions",
                columns: new[] { "CampaignId", "Number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CoSignatures");

            migrationBuilder.DropTable(
                name: "LetterVersions");

            migrationBuilder.DropColumn(
                name: "LetterAddressees",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "LetterCalls",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "LetterMarkdown",
                table: "Campaigns");
        }
    }
}
