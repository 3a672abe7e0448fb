using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.Postgres.Migrations
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
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WaitingForSignal",
                table: "WorkflowInstances",
                type: "character varying(200)",
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
