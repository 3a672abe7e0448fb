using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DecisionApiClient : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ApiClientId",
                table: "Decisions",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ApiClientId",
                table: "Decisions");
        }
    }
}
