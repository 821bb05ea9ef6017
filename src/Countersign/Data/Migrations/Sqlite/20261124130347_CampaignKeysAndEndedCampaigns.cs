using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CampaignKeysAndEndedCampaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PublicName",
                table: "Signatures");

            migrationBuilder.AddColumn<int>(
                name: "CampaignsErased",
                table: "RetentionRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosedAt",
                table: "Campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveredAt",
                table: "Campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PersonalDataErasedAt",
                table: "Campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CampaignKeys",
                columns: table => new
                {
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignKeys", x => x.CampaignId);
                    table.ForeignKey(
                        name: "FK_CampaignKeys_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignKeys");

            migrationBuilder.DropColumn(
                name: "CampaignsErased",
                table: "RetentionRuns");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "PersonalDataErasedAt",
                table: "Campaigns");

            migrationBuilder.AddColumn<string>(
                name: "PublicName",
                table: "Signatures",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }
    }
}
