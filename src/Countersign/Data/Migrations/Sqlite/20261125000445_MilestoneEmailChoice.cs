using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MilestoneEmailChoice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Organisers already in a team keep getting milestone emails, as they did before they could choose.
            migrationBuilder.AddColumn<bool>(
                name: "MilestoneEmails",
                table: "CampaignMembers",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MilestoneEmails",
                table: "CampaignMembers");
        }
    }
}
