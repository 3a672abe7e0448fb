using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AddWorkflowSchedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Schedules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Origin = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    DefinitionName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Cron = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    TimeZone = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    IntervalSeconds = table.Column<int>(type: "int", nullable: true),
                    EventName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    InputJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    MissedFires = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Overlap = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Paused = table.Column<bool>(type: "bit", nullable: false),
                    NextFireAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LeaseOwner = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    LastFireAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastInstanceId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    LastOutcome = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Schedules", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Schedules_EventName",
                table: "Schedules",
                column: "EventName");

            migrationBuilder.CreateIndex(
                name: "IX_Schedules_Name",
                table: "Schedules",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Schedules_NextFireAt",
                table: "Schedules",
                column: "NextFireAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Schedules");
        }
    }
}
