using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CampaignMembers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CampaignMembers",
                columns: table => new
                {
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    StaffUserId = table.Column<int>(type: "INTEGER", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    HostId = table.Column<int>(type: "INTEGER", nullable: true),
                    AddedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AddedBy = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignMembers", x => new { x.CampaignId, x.StaffUserId });
                    table.ForeignKey(
                        name: "FK_CampaignMembers_CampaignHosts_HostId",
                        column: x => x.HostId,
                        principalTable: "CampaignHosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_CampaignMembers_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CampaignMembers_StaffUsers_StaffUserId",
                        column: x => x.StaffUserId,
                        principalTable: "StaffUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMembers_HostId",
                table: "CampaignMembers",
                column: "HostId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMembers_StaffUserId",
                table: "CampaignMembers",
                column: "StaffUserId");

            // Until now every member of staff could run every campaign: those who are not admins keep
            // that as organisers of the campaigns that exist, and admins can narrow it on each team page.
            migrationBuilder.Sql("""
                INSERT INTO "CampaignMembers" ("CampaignId", "StaffUserId", "Role", "AddedAt")
                SELECT c."Id", u."Id", 'organiser', CURRENT_TIMESTAMP FROM "Campaigns" c CROSS JOIN "StaffUsers" u WHERE u."IsAdmin" = 0;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignMembers");
        }
    }
}
