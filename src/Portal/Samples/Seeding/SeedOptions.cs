namespace ApprovalPortal.Portal.Samples.Seeding;

/// <summary>The "Seed" configuration section.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Start sample instances of the shipped agents when the database has none. Default false;
    /// the repository's appsettings.Development.json turns it on for the embedded default.</summary>
    public bool SampleWorkflows { get; set; }
}
