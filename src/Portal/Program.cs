using ApprovalPortal.Portal.Hosting;

// Before anything else uses a Regex: the default match timeout is read once (RegexBound).
RegexBound.ApplyProcessWide();

var builder = WebApplication.CreateBuilder(args);
builder.AddPortal();

var app = builder.Build();
await app.UsePortalAsync();
await app.RunAsync();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
