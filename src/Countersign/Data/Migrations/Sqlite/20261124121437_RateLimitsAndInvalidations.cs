using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Sqlite
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
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "EmailDomainKey",
                table: "Signatures",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HeldBecause",
                table: "Signatures",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "InvalidationId",
                table: "Signatures",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "NetworkHash",
                table: "Signatures",
                type: "BLOB",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Invalidations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    InvalidatedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    InvalidatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SignatureCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CountedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UndoneBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    UndoneAt = table.Column<DateTime>(type: "TEXT", nullable: true)
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
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Salt = table.Column<byte[]>(type: "BLOB", nullable: false)
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
