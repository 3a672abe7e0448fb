namespace ApprovalPortal.Portal.Samples.ExpenseClaims;

/// <summary>A claim as submitted. <see cref="Employee"/> is the claimant's user name: they may not
/// approve their own claim.</summary>
public sealed record ExpenseClaim(
    string Employee,
    decimal Amount,
    string Currency,
    string Category,
    string Description,
    IReadOnlyList<Receipt>? Receipts = null,
    string? ClaimId = null);

public sealed record Receipt(string Reference, decimal Amount, string? Vendor = null);

public enum ClaimOutcome
{
    Paid,
    Denied,
    Rejected,
}

public sealed record ExpenseClaimState(ExpenseClaim Claim)
{
    public ExpenseProposal? Proposal { get; init; }

    /// <summary>The claim in the policy currency, for the limits and the manager threshold.</summary>
    public decimal? AmountInPolicyCurrency { get; init; }

    public IReadOnlyList<string> ModelNotes { get; init; } = [];

    public ClaimOutcome? Outcome { get; init; }

    public string? OutcomeReason { get; init; }

    public Payment? Payment { get; init; }
}

/// <summary>What <c>payments.pay</c> answers.</summary>
public sealed record Payment(string PaymentId, string ClaimId, string Employee, decimal Amount, string Currency, string Status);
