using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StepInputAndSignalWait : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PendingInputJson",
                table: "WorkflowInstances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WaitingForSignal",
                table: "WorkflowInstances",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PendingInputJson",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "WaitingForSignal",
                table: "WorkflowInstances");
        }
    }
}
