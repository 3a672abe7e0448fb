using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InboxIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Status_Assignee_DueAt",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Status_Assignee_Priority",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Status_CandidateGroup_DueAt",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Status_CandidateGroup_Priority",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Status_DecidedAt",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Status_DueAt",
                table: "HumanTasks");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_DecidedAt",
                table: "HumanTasks",
                column: "DecidedAt");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_Assignee_Due",
                table: "HumanTasks",
                columns: new[] { "Assignee", "DueAt", "CreatedAt", "Id" },
                filter: "\"Status\" IN ('Open', 'Claimed') AND \"Assignee\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_Assignee_Priority",
                table: "HumanTasks",
                columns: new[] { "Assignee", "Priority", "DueAt", "CreatedAt", "Id" },
                filter: "\"Status\" IN ('Open', 'Claimed') AND \"Assignee\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_ClaimedBy_Due",
                table: "HumanTasks",
                columns: new[] { "ClaimedBy", "DueAt", "CreatedAt", "Id" },
                filter: "\"Status\" IN ('Open', 'Claimed') AND \"ClaimedBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_ClaimedBy_Priority",
                table: "HumanTasks",
                columns: new[] { "ClaimedBy", "Priority", "DueAt", "CreatedAt", "Id" },
                filter: "\"Status\" IN ('Open', 'Claimed') AND \"ClaimedBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_Due",
                table: "HumanTasks",
                columns: new[] { "DueAt", "CreatedAt", "Id", "Kind", "Risk", "InstanceId", "Status" },
                filter: "\"Status\" IN ('Open', 'Claimed')");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_Group_Due",
                table: "HumanTasks",
                columns: new[] { "CandidateGroup", "DueAt", "CreatedAt", "Id", "Kind", "Risk", "InstanceId", "Status" },
                filter: "\"Status\" IN ('Open', 'Claimed')");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_Group_Priority",
                table: "HumanTasks",
                columns: new[] { "CandidateGroup", "Priority", "DueAt", "CreatedAt", "Id", "Kind", "Risk", "InstanceId", "Status" },
                filter: "\"Status\" IN ('Open', 'Claimed')");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Inbox_Priority",
                table: "HumanTasks",
                columns: new[] { "Priority", "DueAt", "CreatedAt", "Id", "Kind", "Risk", "InstanceId", "Status" },
                filter: "\"Status\" IN ('Open', 'Claimed')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_DecidedAt",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_Assignee_Due",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_Assignee_Priority",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_ClaimedBy_Due",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_ClaimedBy_Priority",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_Due",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_Group_Due",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_Group_Priority",
                table: "HumanTasks");

            migrationBuilder.DropIndex(
                name: "IX_HumanTasks_Inbox_Priority",
                table: "HumanTasks");

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Status_Assignee_DueAt",
                table: "HumanTasks",
                columns: new[] { "Status", "Assignee", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Status_Assignee_Priority",
                table: "HumanTasks",
                columns: new[] { "Status", "Assignee", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Status_CandidateGroup_DueAt",
                table: "HumanTasks",
                columns: new[] { "Status", "CandidateGroup", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Status_CandidateGroup_Priority",
                table: "HumanTasks",
                columns: new[] { "Status", "CandidateGroup", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Status_DecidedAt",
                table: "HumanTasks",
                columns: new[] { "Status", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_HumanTasks_Status_DueAt",
                table: "HumanTasks",
                columns: new[] { "Status", "DueAt" });
        }
    }
}
