using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class DecisionPerProposalRevision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Decisions_TaskId_DecidedBy",
                table: "Decisions");

            migrationBuilder.CreateIndex(
                name: "IX_Decisions_TaskId_DecidedBy_ProposalRevision",
                table: "Decisions",
                columns: new[] { "TaskId", "DecidedBy", "ProposalRevision" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Decisions_TaskId_DecidedBy_ProposalRevision",
                table: "Decisions");

            migrationBuilder.CreateIndex(
                name: "IX_Decisions_TaskId_DecidedBy",
                table: "Decisions",
                columns: new[] { "TaskId", "DecidedBy" },
                unique: true);
        }
    }
}
