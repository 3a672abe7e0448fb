using System.Text.Json;

namespace ApprovalPortal.Portal.Samples.DataChanges;

/// <summary>The fix as proposed and approved: the cell, both values, and the exact statements that apply
/// and undo it (the statement guards on the old value, so it changes nothing if the row moved on).</summary>
public sealed record DataFix(
    string Ticket,
    string Database,
    string Table,
    string KeyColumn,
    string KeyValue,
    string Column,
    string? OldValue,
    string? NewValue,
    string Sql,
    string RollbackSql,
    int ExpectedRows)
{
    public static DataFix For(DataChangeRequest request) => new(
        request.Ticket, request.Database, request.Table, request.KeyColumn, request.KeyValue, request.Column,
        request.OldValue, request.NewValue,
        SqlPreview.Update(request.Table, request.KeyColumn, request.KeyValue, request.Column, from: request.OldValue, to: request.NewValue),
        SqlPreview.Update(request.Table, request.KeyColumn, request.KeyValue, request.Column, from: request.NewValue, to: request.OldValue),
        ExpectedRows: 1);

    /// <summary>Shown, not edited: a data change is approved or rejected as proposed.</summary>
    public static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "Production data fix",
          "type": "object",
          "required": ["ticket", "database", "table", "keyColumn", "keyValue", "column", "oldValue", "newValue", "sql", "rollbackSql", "expectedRows"],
          "additionalProperties": false,
          "properties": {
            "ticket": { "type": "string", "title": "Ticket", "readOnly": true },
            "database": { "type": "string", "title": "Database", "readOnly": true },
            "table": { "type": "string", "title": "Table", "readOnly": true },
            "keyColumn": { "type": "string", "title": "Key column", "readOnly": true },
            "keyValue": { "type": "string", "title": "Key", "readOnly": true },
            "column": { "type": "string", "title": "Column", "readOnly": true },
            "oldValue": { "type": ["string", "null"], "title": "Current value", "readOnly": true },
            "newValue": { "type": ["string", "null"], "title": "New value", "readOnly": true },
            "sql": { "type": "string", "title": "Statement", "readOnly": true, "x-multiline": true },
            "rollbackSql": { "type": "string", "title": "Rollback", "readOnly": true, "x-multiline": true },
            "expectedRows": { "type": "integer", "title": "Rows expected", "const": 1, "readOnly": true }
          }
        }
        """).RootElement.Clone();
}
