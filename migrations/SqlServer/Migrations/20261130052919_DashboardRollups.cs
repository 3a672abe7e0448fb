using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class DashboardRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DashboardHours",
                columns: table => new
                {
                    HourStart = table.Column<DateTime>(type: "datetime2", nullable: false),
                    RolledAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DashboardHours", x => x.HourStart);
                });

            migrationBuilder.CreateTable(
                name: "DashboardCompletionFacts",
                columns: table => new
                {
                    HourStart = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Definition = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Completed = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DashboardCompletionFacts", x => new { x.HourStart, x.Definition });
                    table.ForeignKey(
                        name: "FK_DashboardCompletionFacts_DashboardHours_HourStart",
                        column: x => x.HourStart,
                        principalTable: "DashboardHours",
                        principalColumn: "HourStart",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DashboardQueueFacts",
                columns: table => new
                {
                    HourStart = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Queue = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Decided = table.Column<long>(type: "bigint", nullable: false),
                    Late = table.Column<long>(type: "bigint", nullable: false),
                    Escalated = table.Column<long>(type: "bigint", nullable: false),
                    MinMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    MaxMilliseconds = table.Column<long>(type: "bigint", nullable: false),
                    Histogram = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DashboardQueueFacts", x => new { x.HourStart, x.Queue });
                    table.ForeignKey(
                        name: "FK_DashboardQueueFacts_DashboardHours_HourStart",
                        column: x => x.HourStart,
                        principalTable: "DashboardHours",
                        principalColumn: "HourStart",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DashboardToolFacts",
                columns: table => new
                {
                    HourStart = table.Column<DateTime>(type: "datetime2", nullable: false),
                    AgentKind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Agent = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Tool = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Unchanged = table.Column<long>(type: "bigint", nullable: false),
                    Edited = table.Column<long>(type: "bigint", nullable: false),
                    Rejected = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DashboardToolFacts", x => new { x.HourStart, x.AgentKind, x.Agent, x.Tool });
                    table.ForeignKey(
                        name: "FK_DashboardToolFacts_DashboardHours_HourStart",
                        column: x => x.HourStart,
                        principalTable: "DashboardHours",
                        principalColumn: "HourStart",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DashboardCompletionFacts");

            migrationBuilder.DropTable(
                name: "DashboardQueueFacts");

            migrationBuilder.DropTable(
                name: "DashboardToolFacts");

            migrationBuilder.DropTable(
                name: "DashboardHours");
        }
    }
}
