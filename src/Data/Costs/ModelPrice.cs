namespace ApprovalPortal.Data.Costs;

/// <summary>A model's price as an admin set it; it wins over the price in the settings (<c>Models:Catalog</c>).</summary>
public sealed class ModelPrice
{
    public required string Model { get; set; }

    /// <summary>Per million input (prompt) tokens, in the portal's currency.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>Per million output (completion) tokens, in the portal's currency.</summary>
    public decimal OutputPerMillion { get; set; }

    public required string ChangedBy { get; set; }

    public DateTime ChangedAt { get; set; }
}
