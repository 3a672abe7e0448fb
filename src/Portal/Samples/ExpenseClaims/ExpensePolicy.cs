using System.Collections.Frozen;
using System.Globalization;

namespace ApprovalPortal.Portal.Samples.ExpenseClaims;

/// <summary>One thing the policy check found; a blocking finding makes the proposal a denial.</summary>
public sealed record PolicyFinding(string Text, bool Blocks);

public sealed record PolicyReview(decimal? AmountInPolicyCurrency, decimal? CategoryLimit, IReadOnlyList<PolicyFinding> Findings)
{
    public bool Blocks => Findings.Any(f => f.Blocks);
}

/// <summary>The company expense policy: limits per category in EUR, receipts above a small allowance.</summary>
public static class ExpensePolicy
{
    public const string PolicyCurrency = "EUR";

    /// <summary>Claims above this (in EUR) need a manager.</summary>
    public const decimal ManagerThreshold = 1000m;

    public const decimal ReceiptFreeAllowance = 25m;

    // Reference rates for the policy checks only; the payment is made in the claim's own currency.
    private static readonly FrozenDictionary<string, decimal> RatesToPolicyCurrency = new Dictionary<string, decimal>
    {
        ["EUR"] = 1m, ["USD"] = 0.92m, ["GBP"] = 1.17m, ["CHF"] = 1.05m,
        ["SEK"] = 0.087m, ["NOK"] = 0.085m, ["DKK"] = 0.134m, ["PLN"] = 0.23m, ["CZK"] = 0.04m,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, decimal> CategoryLimits = new Dictionary<string, decimal>
    {
        ["meals"] = 150m, ["travel"] = 2500m, ["lodging"] = 1200m, ["training"] = 2000m, ["equipment"] = 1500m,
        ["software"] = 800m, ["office-supplies"] = 300m, ["client-entertainment"] = 500m,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Categories => CategoryLimits.Keys.Order();

    public static PolicyReview Review(ExpenseClaim claim)
    {
        var findings = new List<PolicyFinding>();
        decimal? inEur = RatesToPolicyCurrency.TryGetValue(claim.Currency, out var rate) ? Math.Round(claim.Amount * rate, 2) : null;
        decimal? limit = CategoryLimits.TryGetValue(claim.Category, out var l) ? l : null;

        if (inEur is null)
        {
            findings.Add(new($"{claim.Currency} is not a reimbursable currency (accepted: {string.Join(", ", RatesToPolicyCurrency.Keys.Order())}).", true));
        }
        if (limit is null)
        {
            findings.Add(new($"Category '{claim.Category}' is not covered by the expense policy (covered: {string.Join(", ", Categories)}).", true));
        }
        if (inEur is { } eur && limit is { } max)
        {
            var converted = claim.Currency == PolicyCurrency ? "" : $" (about {Money(eur)} {PolicyCurrency})";
            findings.Add(eur > max
                ? new($"{Money(claim.Amount)} {claim.Currency}{converted} exceeds the {claim.Category} limit of {Money(max)} {PolicyCurrency} by {Money(eur - max)} {PolicyCurrency}.", true)
                : new($"{Money(claim.Amount)} {claim.Currency}{converted} is within the {claim.Category} limit of {Money(max)} {PolicyCurrency}.", false));
        }
        findings.AddRange(ReviewReceipts(claim, inEur));
        if (claim.Description.Length < 15)
        {
            findings.Add(new($"The description \"{claim.Description}\" does not say what the expense was for.", false));
        }
        return new PolicyReview(inEur, limit, findings);
    }

    private static IEnumerable<PolicyFinding> ReviewReceipts(ExpenseClaim claim, decimal? inEur)
    {
        var receipts = claim.Receipts ?? [];
        if (receipts.Count == 0)
        {
            yield return inEur is { } eur && eur <= ReceiptFreeAllowance
                ? new($"No receipt is needed for claims up to {Money(ReceiptFreeAllowance)} {PolicyCurrency}.", false)
                : new($"No receipt is attached; claims above {Money(ReceiptFreeAllowance)} {PolicyCurrency} need one.", true);
            yield break;
        }
        foreach (var duplicate in receipts.GroupBy(r => r.Reference, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new($"Receipt {duplicate.Key} is attached {duplicate.Count()} times.", true);
        }
        foreach (var empty in receipts.Where(r => r.Amount <= 0))
        {
            yield return new($"Receipt {empty.Reference} shows no positive amount.", true);
        }
        var covered = receipts.DistinctBy(r => r.Reference, StringComparer.OrdinalIgnoreCase).Where(r => r.Amount > 0).Sum(r => r.Amount);
        var references = string.Join(", ", receipts.Select(r => r.Reference));
        yield return covered < claim.Amount
            ? new($"Receipts ({references}) cover {Money(covered)} of {Money(claim.Amount)} {claim.Currency}; {Money(claim.Amount - covered)} {claim.Currency} is not documented.", true)
            : new($"{(receipts.Count == 1 ? "The receipt" : $"{receipts.Count} receipts")} ({references}) cover{(receipts.Count == 1 ? "s" : "")} the claimed {Money(claim.Amount)} {claim.Currency}.", false);
    }

    public static string Money(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);
}
