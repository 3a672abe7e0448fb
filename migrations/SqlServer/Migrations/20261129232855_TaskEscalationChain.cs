using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ApprovalPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class TaskEscalationChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EscalationJson",
                table: "HumanTasks",
                type: "nvarchar(max)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EscalationJson",
                table: "HumanTasks");
        }
    }
}
