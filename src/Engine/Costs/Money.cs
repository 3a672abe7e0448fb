using System.Globalization;

namespace ApprovalPortal.Engine.Costs;

/// <summary>An amount of money in a currency (ISO 4217).</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    /// <summary>The amount as people read money: two places, or up to six for amounts under a cent (a single call's cost),
    /// grouped in thousands, with the currency after it: <c>1,234.50 EUR</c>, <c>0.000315 EUR</c>.</summary>
    public override string ToString()
    {
        var rounded = Math.Round(Amount, 2);
        var text = rounded != 0 || Amount == 0
            ? rounded.ToString("#,0.00", CultureInfo.InvariantCulture)
            : Amount.ToString("0.00####", CultureInfo.InvariantCulture);
        return $"{text} {Currency}";
    }
}
