using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Countersign.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DnsProof : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DnsVerifiedAt",
                table: "CoSignatures",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DnsVerifiedAt",
                table: "CoSignatures");
        }
    }
}
