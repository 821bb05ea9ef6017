using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RepeatEmails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "RepeatEmailAt",
                table: "Signatures",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Signatures_EmailKey_RepeatEmailAt",
                table: "Signatures",
                columns: new[] { "EmailKey", "RepeatEmailAt" },
                filter: "\"RepeatEmailAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Signatures_EmailKey_RepeatEmailAt",
                table: "Signatures");

            migrationBuilder.DropColumn(
                name: "RepeatEmailAt",
                table: "Signatures");
        }
    }
}
