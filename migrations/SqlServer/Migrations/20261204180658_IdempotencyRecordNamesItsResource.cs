using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class IdempotencyRecordNamesItsResource : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ResourceId",
                table: "IdempotencyRecords",
                type: "uniqueidentifier",
                nullable: true);

            // A record left "in progress" (status 0) by a request that never finished guards nothing: the key may be used again.
            migrationBuilder.Sql("DELETE FROM \"IdempotencyRecords\" WHERE \"StatusCode\" = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ResourceId",
                table: "IdempotencyRecords");
        }
    }
}
