using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Countersign.Data.Migrations.Postgres
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
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            // Campaigns stored before letters had none: an empty list, which EF does not write for an array column by itself.
            migrationBuilder.AddColumn<List<string>>(
                name: "LetterCalls",
                table: "Campaigns",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<string>(
                name: "LetterMarkdown",
                table: "Campaigns",
                type: "character varying(20000)",
                maxLength: 20000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "LetterVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CampaignId = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Addressees = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    TextMarkdown = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    Calls = table.Column<List<string>>(type: "text[]", nullable: false),
                    Hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CampaignId = table.Column<int>(type: "integer", nullable: false),
                    LetterVersionId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Members = table.Column<int>(type: "integer", nullable: true),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    CountryCode = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Website = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ParentId = table.Column<long>(type: "bigint", nullable: true),
                    ContactNameCiphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    ContactRoleCiphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    ContactEmailCiphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    EmailKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    DomainVerified = table.Column<bool>(type: "boolean", nullable: false),
                    FlaggedBecause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Locale = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ConfirmedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<int>(type: "integer", nullable: true),
                    RejectionReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    WithdrawnAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConfirmationTokenHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    ConfirmationTokenExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
