using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SignInThrottle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SignInAttempts",
                columns: table => new
                {
                    Key = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    LastAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInAttempts", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignInAttempts_LastAt",
                table: "SignInAttempts",
                column: "LastAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignInAttempts");
        }
    }
}
