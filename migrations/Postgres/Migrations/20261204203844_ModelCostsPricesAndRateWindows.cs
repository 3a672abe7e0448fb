using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ModelCostsPricesAndRateWindows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "Cost",
                table: "ModelInvocations",
                type: "numeric(20,10)",
                precision: 20,
                scale: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CostCurrency",
                table: "ModelInvocations",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DefinitionName",
                table: "ModelInvocations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DashboardCostFacts",
                columns: table => new
                {
                    HourStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Definition = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    InputTokens = table.Column<long>(type: "bigint", nullable: false),
                    OutputTokens = table.Column<long>(type: "bigint", nullable: false),
                    Cost = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DashboardCostFacts", x => new { x.HourStart, x.Definition, x.Model, x.Currency });
                    table.ForeignKey(
                        name: "FK_DashboardCostFacts_DashboardHours_HourStart",
                        column: x => x.HourStart,
                        principalTable: "DashboardHours",
                        principalColumn: "HourStart",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ModelPrices",
                columns: table => new
                {
                    Model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    InputPerMillion = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    OutputPerMillion = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelPrices", x => x.Model);
                });

            migrationBuilder.CreateTable(
                name: "RateWindows",
                columns: table => new
                {
                    Resource = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Requests = table.Column<long>(type: "bigint", nullable: false),
                    Tokens = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateWindows", x => new { x.Resource, x.WindowStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ModelInvocations_DefinitionName_StartedAt",
                table: "ModelInvocations",
                columns: new[] { "DefinitionName", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ModelInvocations_StartedAt",
                table: "ModelInvocations",
                column: "StartedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DashboardCostFacts");

            migrationBuilder.DropTable(
                name: "ModelPrices");

            migrationBuilder.DropTable(
                name: "RateWindows");

            migrationBuilder.DropIndex(
                name: "IX_ModelInvocations_DefinitionName_StartedAt",
                table: "ModelInvocations");

            migrationBuilder.DropIndex(
                name: "IX_ModelInvocations_StartedAt",
                table: "ModelInvocations");

            migrationBuilder.DropColumn(
                name: "Cost",
                table: "ModelInvocations");

            migrationBuilder.DropColumn(
                name: "CostCurrency",
                table: "ModelInvocations");

            migrationBuilder.DropColumn(
                name: "DefinitionName",
                table: "ModelInvocations");
        }
    }
}
