using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RunQueueByPriority : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_RunnableAt",
                table: "WorkflowInstances");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_Claim",
                table: "WorkflowInstances",
                columns: new[] { "Priority", "RunnableAt" },
                descending: new[] { true, false },
                filter: "\"RunnableAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_Claim",
                table: "WorkflowInstances");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_RunnableAt",
                table: "WorkflowInstances",
                column: "RunnableAt");
        }
    }
}
