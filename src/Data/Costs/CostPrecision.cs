namespace ApprovalPortal.Data.Costs;

/// <summary>How money is stored: exact decimals with ten places, so that a call of a few tokens at a price per million
/// tokens is not rounded away (1 token at 0.15 per million is 0.00000015), and sums of millions of calls still fit.</summary>
public static class CostPrecision
{
    /// <summary>Digits in all.</summary>
    public const int Digits = 20;

    /// <summary>Digits after the point.</summary>
    public const int Scale = 10;
}
