namespace ApprovalPortal.Engine.Storage;

/// <summary>Audit rows written in the same commit as the change they record.</summary>
internal static partial class Statements
{
    public static SqlStatement InsertAudit(DateTime at, string actor, string action, string subject, string? detailsJson) => new(
        """
        INSERT INTO "AuditEntries" ("At", "Actor", "Action", "Subject", "DetailsJson") VALUES (@at, @actor, @action, @subject, @details)
        """,
        [
            new("at", SqlValue.Time(at)), new("actor", SqlValue.Text(actor)), new("action", SqlValue.Text(action)),
            new("subject", SqlValue.Text(subject)), new("details", SqlValue.Json(detailsJson)),
        ],
        ExpectRows: 1);
}
