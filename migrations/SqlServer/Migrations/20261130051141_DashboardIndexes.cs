using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class DashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_DecidedAt",
                table: "HumanTasks");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_Dashboard_Definition",
                table: "WorkflowInstances",
                columns: new[] { "Id", "DefinitionName" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_Status_CompletedAt",
                table: "WorkflowInstances",
                columns: new[] { "Status", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Dashboard_Decided",
                table: "HumanTasks",
                columns: new[] { "DecidedAt", "CandidateGroup", "CreatedAt", "DueAt", "Outcome", "EscalationLevel", "RequiredApprovals", "GateStep", "InstanceId", "ApiClientId", "Id" },
                filter: "\"DecidedAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Dashboard_Tool",
                table: "HumanTasks",
                columns: new[] { "GateStep", "DecidedAt", "InstanceId", "ApiClientId", "Outcome", "RequiredApprovals", "Id" },
                filter: "\"DecidedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_Dashboard_Definition",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_Status_CompletedAt",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Dashboard_Decided",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Dashboard_Tool",
                table: "HumanTasks");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_DecidedAt",
                table: "HumanTasks",
                column: "DecidedAt");
        }
    }
}
