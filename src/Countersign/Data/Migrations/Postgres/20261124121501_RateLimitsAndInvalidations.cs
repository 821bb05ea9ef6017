using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Countersign.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RateLimitsAndInvalidations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "AddressHash",
                table: "Signatures",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "EmailDomainKey",
                table: "Signatures",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HeldBecause",
                table: "Signatures",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "InvalidationId",
                table: "Signatures",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "NetworkHash",
                table: "Signatures",
                type: "bytea",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Invalidations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CampaignId = table.Column<int>(type: "integer", nullable: false),
                    Description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    InvalidatedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    InvalidatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SignatureCount = table.Column<int>(type: "integer", nullable: false),
                    CountedCount = table.Column<int>(type: "integer", nullable: false),
                    UndoneBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    UndoneAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invalidations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Invalidations_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IpSalts",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Salt = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IpSalts", x => x.Day);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Signatures_CampaignId_CreatedAt",
                table: "Signatures",
                columns: new[] { "CampaignId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Signatures_InvalidationId",
                table: "Signatures",
                column: "InvalidationId");

            migrationBuilder.CreateIndex(
                name: "IX_Invalidations_CampaignId",
                table: "Invalidations",
                column: "CampaignId");

            migrationBuilder.AddForeignKey(
                name: "FK_Signatures_Invalidations_InvalidationId",
                table: "Signatures",
                column: "InvalidationId",
                principalTable: "Invalidations",
                principalColumn: "Id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Signatures_Invalidations_InvalidationId",
                table: "Signatures");

            migrationBuilder.DropTable(
                name: "Invalidations");

            migrationBuilder.DropTable(
                name: "IpSalts");

            migrationBuilder.DropIndex(
                name: "IX_Signatures_CampaignId_CreatedAt",
                table: "Signatures");

            migrationBuilder.DropIndex(
                name: "IX_Signatures_InvalidationId",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "AddressHash",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "EmailDomainKey",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "HeldBecause",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "InvalidationId",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "NetworkHash",
                table: "Signatures");
        }
    }
}
