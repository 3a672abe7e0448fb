using System.Net.Http.Json;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
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

    public static ApiPortal Start(DatabaseProvider provider, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
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
        // The signal workflow is there for the workflow endpoints' tests; the samples (expense-claim) always are.
        var portal = new ApiPortal(new PortalFactory(settings, collection =>
        {
            collection.AddSingleton<IWorkflowDefinitionSource, SignalWaitWorkflow>();
            services?.Invoke(collection);
        }), database);
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

    /// <summary>The rows the task and workflow endpoints may write, counted table by table.</summary>
    public async Task<string> CountsAsync()
    {
        await using var db = Db();
        return $"tasks={await db.HumanTasks.CountAsync()} decisions={await db.Decisions.CountAsync()} timers={await db.Timers.CountAsync()} " +
            $"idempotency={await db.IdempotencyRecords.CountAsync()} clients={await db.ApiClients.CountAsync()} events={await db.WorkflowEvents.CountAsync()} " +
            $"instances={await db.WorkflowInstances.CountAsync()} signals={await db.PendingSignals.CountAsync()} checkpoints={await db.Checkpoints.CountAsync()} " +
            $"changes={await db.WorkflowInstances.SumAsync(i => i.Version)}";
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

    /// <summary>Starts <see cref="SignalWaitWorkflow"/> through the engine and returns once it waits for its signal
    /// (and, when <paramref name="paused"/>, once it is paused), so nothing runs behind the test's back.</summary>
    public async Task<Guid> WaitingInstanceAsync(bool paused = false, string subject = "matrix")
    {
        var id = Guid.CreateVersion7();
        using (var watcher = Services.GetRequiredService<InstanceWatch>().Watch(id))
        {
            await Services.GetRequiredService<WorkflowClient>().StartAsync(new StartWorkflow
            {
                Definition = SignalWaitWorkflow.DefinitionName, InstanceId = id,
                Input = JsonSerializer.SerializeToElement(new SignalWaitState(subject), Json),
            });
            await watcher.WaitAsync(s => s == WorkflowStatus.Waiting).WaitAsync(TimeSpan.FromSeconds(10));
        }
        if (paused)
        {
            var result = await Services.GetRequiredService<InstanceCommands>().PauseAsync(id, new Intervention("tests", "set up"));
            if (result is not CommandResult.Done)
            {
                throw new InvalidOperationException($"Could not pause {id}: {result}");
            }
        }
        return id;
    }

    /// <summary>Waits until the instance is at rest (no step to run), so counts taken afterwards stay put.</summary>
    public async Task<WorkflowInstance> SettledAsync(Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var db = Db();
            var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id);
            if (instance.Status != WorkflowStatus.Running && instance.LeaseOwner is null || DateTime.UtcNow > deadline)
            {
                return instance;
            }
            await System.Threading.Tasks.Task.Delay(25);
        }
    }

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
