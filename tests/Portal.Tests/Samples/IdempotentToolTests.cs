using System.Text.Json;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Tools;
using ApprovalPortal.Portal.Samples.DataChanges;
using ApprovalPortal.Portal.Samples.ExpenseClaims;

namespace ApprovalPortal.Portal.Tests.Samples;

public sealed class IdempotentToolTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly ExpenseProposal Payment = new("EC-0141", ExpenseProposal.Approve, "jana.novak", 84.50m, "EUR", "meals", ["ok"]);

    [Fact]
    public async Task Pay_WithARepeatedKey_AnswersTheFirstPayment_AndANewKeyPaysAgain()
    {
        var tool = new PaymentsTool();

        var first = await tool.InvokeAsync(Call("i:settle:tool:1", Payment), Cancel);
        var repeated = await tool.InvokeAsync(Call("i:settle:tool:1", Payment), Cancel);
        var other = await tool.InvokeAsync(Call("j:settle:tool:1", Payment), Cancel);

        Assert.Equal(first.GetRawText(), repeated.GetRawText());
        Assert.NotEqual(first.GetProperty("paymentId").GetString(), other.GetProperty("paymentId").GetString());
        Assert.Equal(2, tool.Done.Count);
    }

    [Fact]
    public async Task Pay_ForADenial_IsRefused_AndKeepsNothing()
    {
        var tool = new PaymentsTool();

        await Assert.ThrowsAsync<ArgumentException>(() => tool.InvokeAsync(Call("i:settle:tool:1", Payment with { Decision = ExpenseProposal.Deny }), Cancel));

        Assert.Empty(tool.Done);
    }

    [Fact]
    public async Task Apply_WhenTheStatementDoesNotFollowFromTheFix_IsRefused()
    {
        var tool = new DataApplyTool();
        var fix = DataFix.For(new DataChangeRequest("INC-1", "priya", "crm", "customers", "id", "7", "email", "a@x.example", "b@x.example", "typo"));

        var applied = await tool.InvokeAsync(Call("i:apply:tool:1", fix), Cancel);
        await Assert.ThrowsAsync<ArgumentException>(() => tool.InvokeAsync(Call("i:apply:tool:2", fix with { Sql = "DELETE FROM customers;" }), Cancel));

        Assert.Equal("applied", applied.GetProperty("status").GetString());
        Assert.Single(tool.Done);
    }

    private static ToolCall Call(string key, object arguments) =>
        new(key, Guid.Empty, "step", JsonSerializer.SerializeToElement(arguments, EngineJson.Options));
}
