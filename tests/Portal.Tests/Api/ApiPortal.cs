using System.Net.Http.Json;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>The real portal on a real database (the embedded SQLite file, or a PostgreSQL database of its own), with
/// helpers to make API keys and to count what the API wrote.</summary>
public sealed class ApiPortal : IAsyncDisposable
{
    private readonly string? _postgresDatabase;

    private ApiPortal(PortalFactory factory, string? postgresDatabase)
    {
        Factory = factory;
        _postgresDatabase = postgresDatabase;
    }

    public PortalFactory Factory { get; }

    public IServiceProvider Services => Factory.Services;

    public static ApiPortal Start(DatabaseProvider provider, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>());
        string? database = null;
        if (provider == DatabaseProvider.Postgres)
        {
            var server = TestEnvironment.PostgresConnectionString;
            if (server is null)
            {
                TestEnvironment.Unavailable("PostgreSQL is not available: set TEST_PG, e.g. Host=127.0.0.1;Port=55432;Username=postgres");
            }
            database = "ap_api_" + Guid.NewGuid().ToString("N");
            settings["Database:Provider"] = nameof(DatabaseProvider.Postgres);
            settings["ConnectionStrings:Portal"] = new NpgsqlConnectionStringBuilder(server) { Database = database }.ToString();
        }
        else
        {
            settings["Database:DataFolder"] = PortalFactory.NewDataFolder();
        }
        var portal = new ApiPortal(new PortalFactory(settings), database);
        _ = portal.Factory.Server; // start it (migrations, seeders) now
        return portal;
    }

    public static TheoryData<DatabaseProvider> Providers => new(DatabaseProvider.Sqlite, DatabaseProvider.Postgres);

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public PortalDbContext Db() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    /// <summary>A new key with <paramref name="scopes"/>.</summary>
    public async Task<CreatedApiKey> KeyAsync(params string[] scopes) =>
        await Services.GetRequiredService<ApiKeys>().CreateAsync("agent " + Guid.NewGuid().ToString("N")[..6], scopes, "tests");

    /// <summary>A client that sends <paramref name="key"/> (or none).</summary>
    public HttpClient Client(string? key)
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        }
        return client;
    }

    public async Task<HttpClient> ClientWithAsync(params string[] scopes) => Client((await KeyAsync(scopes)).Key);

    /// <summary>The rows the task endpoints may write, counted table by table.</summary>
    public async Task<string> CountsAsync()
    {
        await using var db = Db();
        return $"tasks={await db.HumanTasks.CountAsync()} decisions={await db.Decisions.CountAsync()} timers={await db.Timers.CountAsync()} " +
            $"idempotency={await db.IdempotencyRecords.CountAsync()} clients={await db.ApiClients.CountAsync()} events={await db.WorkflowEvents.CountAsync()}";
    }

    /// <summary>A valid task request for the group <paramref name="group"/>.</summary>
    public static object Task(string title = "Refund 40 EUR to order 1001", string group = "finance") => new
    {
        kind = "editAndApprove",
        title,
        proposedAction = new { amount = 40, currency = "EUR", order = "1001" },
        schema = new
        {
            type = "object",
            required = new[] { "amount", "currency" },
            properties = new { amount = new { type = "number", minimum = 0 }, currency = new { type = "string" }, order = new { type = "string" } },
        },
        context = new { customer = "C-17" },
        reasoning = "The parcel never arrived.",
        candidateGroup = group,
        risk = "low",
    };

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { Database = "postgres" }.ToString());
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
