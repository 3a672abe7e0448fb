using System.Net;
using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.TestSupport;
using Npgsql;

namespace ApprovalPortal.Portal.Tests;

public sealed class HealthTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_OnTheEmbeddedDefault_CreatesMigratesAndAnswers200()
    {
        await using var portal = PortalFactory.Embedded(out var dataFolder);
        var client = portal.CreateClient();

        var response = await client.GetAsync("/health/ready", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await StatusOf(response));
        Assert.True(File.Exists(Path.Combine(dataFolder, "approvalportal.db")), "the SQLite file is created in the configured data folder");
    }

    [Fact]
    public async Task Live_Answers200_WithoutTouchingTheDatabase()
    {
        await using var portal = PortalFactory.Embedded(out _);

        var response = await portal.CreateClient().GetAsync("/health/live", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenTheDatabaseIsUnreachable_Answers503()
    {
        await using var portal = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:MigrateOnStartup"] = "false",
            ["ConnectionStrings:Portal"] = "Host=127.0.0.1;Port=1;Database=nothing;Username=nobody;Timeout=2",
        });
        var client = portal.CreateClient();

        var ready = await client.GetAsync("/health/ready", Cancel);
        var live = await client.GetAsync("/health/live", Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await StatusOf(ready));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Ready_OnPostgres_MigratesTheDatabaseAndAnswers200()
    {
        var server = TestEnvironment.PostgresConnectionString;
        if (server is null)
        {
            TestEnvironment.Unavailable("PostgreSQL is not available: set TEST_PG, e.g. Host=127.0.0.1;Port=55432;Username=postgres");
            return;
        }
        var name = "ap_portal_" + Guid.NewGuid().ToString("N");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        try
        {
            await using var portal = new PortalFactory(new Dictionary<string, string?>
            {
                ["Database:Provider"] = nameof(DatabaseProvider.Postgres),
                ["ConnectionStrings:Portal"] = connectionString,
            });

            var response = await portal.CreateClient().GetAsync("/health/ready", Cancel);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Cancel);
            await using var count = new NpgsqlCommand("""SELECT count(*) FROM "__EFMigrationsHistory" """, connection);
            Assert.True((long)(await count.ExecuteScalarAsync(Cancel))! > 0, "the Postgres migrations were applied at start-up");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ToString());
            await admin.OpenAsync(Cancel);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(Cancel);
        }
    }

    private static async Task<string?> StatusOf(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return body.RootElement.GetProperty("status").GetString();
    }
}
