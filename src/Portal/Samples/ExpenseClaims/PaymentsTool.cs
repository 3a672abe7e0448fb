using System.Security.Cryptography;
using System.Text.Json;
using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.Portal.Samples.ExpenseClaims;

/// <summary>Pays an approved claim (in memory): one payment per idempotency key.</summary>
public sealed class PaymentsTool : IdempotentTool
{
    public const string ToolName = "payments.pay";

    public override string Name => ToolName;

    protected override JsonElement Perform(ToolCall call)
    {
        var order = Read<ExpenseProposal>(call);
        if (order.Decision != ExpenseProposal.Approve || order.Amount <= 0 || order.Currency is not { Length: 3 } || string.IsNullOrEmpty(order.Employee))
        {
            throw new ArgumentException("A payment needs an approved claim with a positive amount, a currency and a payee.");
        }
        var payment = new Payment("PAY-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)), order.ClaimId, order.Employee,
            order.Amount, order.Currency, "scheduled");
        return UntrustedText.ToJson(payment);
    }
}
