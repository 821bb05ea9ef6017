using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Countersign.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CoalitionPartners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ReferredByHostId",
                table: "Signatures",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "CampaignHosts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeftAt",
                table: "CampaignHosts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LogoHeight",
                table: "CampaignHosts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "LogoToken",
                table: "CampaignHosts",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LogoWidth",
                table: "CampaignHosts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "HostLogos",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HostId = table.Column<int>(type: "integer", nullable: false),
                    Token = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Bytes = table.Column<byte[]>(type: "bytea", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostLogos", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HostLogos_CampaignHosts_HostId",
                        column: x => x.HostId,
                        principalTable: "CampaignHosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Signatures_CampaignId_ReferredByHostId",
                table: "Signatures",
                columns: new[] { "CampaignId", "ReferredByHostId" },
                filter: "\"ReferredByHostId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HostLogos_HostId",
                table: "HostLogos",
                column: "HostId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HostLogos_Token",
                table: "HostLogos",
                column: "Token",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HostLogos");

            migrationBuilder.DropIndex(
                name: "IX_Signatures_CampaignId_ReferredByHostId",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "ReferredByHostId",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "CampaignHosts");

            migrationBuilder.DropColumn(
                name: "LeftAt",
                table: "CampaignHosts");

            migrationBuilder.DropColumn(
                name: "LogoHeight",
                table: "CampaignHosts");

            migrationBuilder.DropColumn(
                name: "LogoToken",
                table: "CampaignHosts");

            migrationBuilder.DropColumn(
                name: "LogoWidth",
                table: "CampaignHosts");
        }
    }
}
