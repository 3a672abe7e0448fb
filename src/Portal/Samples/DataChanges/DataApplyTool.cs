using System.Security.Cryptography;
using System.Text.Json;
using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.Portal.Samples.DataChanges;

/// <summary>Applies an approved data fix (in memory): one change per idempotency key. It runs only the
/// statement that follows from the fix's fields, so a statement that says something else is refused.</summary>
public sealed class DataApplyTool : IdempotentTool
{
    public const string ToolName = "data.apply";

    public override string Name => ToolName;

    protected override JsonElement Perform(ToolCall call)
    {
        var fix = Read<DataFix>(call);
        if (fix.KeyValue is null || !SqlPreview.IsIdentifier(fix.Table, qualified: true) || !SqlPreview.IsIdentifier(fix.KeyColumn) || !SqlPreview.IsIdentifier(fix.Column))
        {
            throw new ArgumentException("The fix does not name a plain table, key column, key and column.");
        }
        var expected = SqlPreview.Update(fix.Table, fix.KeyColumn, fix.KeyValue, fix.Column, from: fix.OldValue, to: fix.NewValue);
        if (!string.Equals(expected, fix.Sql, StringComparison.Ordinal))
        {
            throw new ArgumentException("The statement does not match the fix it claims to apply.");
        }
        var change = new AppliedChange("CHG-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)), fix.Database, fix.Table, fix.KeyValue,
            fix.Column, fix.ExpectedRows, "applied");
        return UntrustedText.ToJson(change);
    }
}
