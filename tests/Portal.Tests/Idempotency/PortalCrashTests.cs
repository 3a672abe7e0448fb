using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Idempotency;

/// <summary>The portal as an outside agent meets it: a real process on a real SQLite file, killed with SIGKILL at random
/// moments while agents create and decide tasks, every request retried with its Idempotency-Key until it is answered.</summary>
public sealed class PortalCrashTests
{
    private const int Agents = 8;
    private const int TasksPerAgent = 38;
    private const int Kills = 6;
    private const string Reviewer = "elena.fischer";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Pitfall: with the key's record written before the action and its answer after it, a kill in between left the key
    // answering 409 "Request in progress" for 24 hours (tasks never created, decisions never made), and a kill during
    // COMMIT made the retry act twice.
    [Fact]
    public async Task PortalKilledWhileAgentsCreateAndDecide_EveryRequestRetriedWithItsKey_CompletesExactlyOnce()
    {
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        overall.CancelAfter(TimeSpan.FromMinutes(5));
        var dataFolder = PortalFactory.NewDataFolder();
        var (agentKey, integrationKey) = await PrepareAsync(dataFolder);
        await using var portal = new PortalProcess(dataFolder);
        await portal.StartAsync(overall.Token);

        var total = Agents * TasksPerAgent * 2;
        var answered = 0;
        var random = new Random();
        var killAt = Enumerable.Range(0, Kills).Select(_ => random.Next(total / 20, total * 17 / 20)).Order().ToArray();
        var answers = new ConcurrentBag<(string Title, Guid TaskId, int CreateStatus, int DecideStatus, string? DecideResult)>();

        var killer = Task.Run(async () =>
        {
            foreach (var at in killAt)
            {
                while (Volatile.Read(ref answered) < at)
                {
                    await Task.Delay(2, overall.Token);
                }
                await Task.Delay(random.Next(0, 40), overall.Token);
                portal.Kill();
                await portal.StartAsync(overall.Token);
            }
        }, overall.Token);
        var agents = Enumerable.Range(0, Agents).Select(agent => Task.Run(async () =>
        {
            using var creating = portal.Client(agentKey);
            using var deciding = portal.Client(integrationKey);
            for (var i = 0; i < TasksPerAgent; i++)
            {
                var title = $"Crash task {agent}-{i}";
                var create = JsonSerializer.Serialize(new { kind = "approve", title, proposedAction = new { agent, i }, candidateGroup = "finance" });
                var (createStatus, created) = await UntilAnsweredAsync(creating, "/api/v1/tasks", create, $"create-{agent}-{i}", overall.Token);
                Interlocked.Increment(ref answered);
                var id = createStatus == 201 ? created.GetProperty("id").GetGuid() : Guid.Empty;
                var decide = JsonSerializer.Serialize(new { reviewer = Reviewer, verb = "approve" });
                var (decideStatus, decided) = id == Guid.Empty ? (0, default)
                    : await UntilAnsweredAsync(deciding, $"/api/v1/tasks/{id}/decision", decide, $"decide-{agent}-{i}", overall.Token);
                Interlocked.Increment(ref answered);
                answers.Add((title, id, createStatus, decideStatus, decideStatus == 200 ? decided.GetProperty("result").GetString() : null));
            }
        }, overall.Token)).ToList();
        await Task.WhenAll([.. agents, killer]);
        var kills = portal.Kills;
        await portal.DisposeAsync();

        Assert.Equal(Kills, kills);
        Assert.Equal(Agents * TasksPerAgent, answers.Count);
        Assert.All(answers, a => Assert.Equal((201, 200, "decided"), (a.CreateStatus, a.DecideStatus, a.DecideResult)));
        await using var check = PortalFactory.Embedded(dataFolder);
        await using var db = await check.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        var tasks = await db.HumanTasks.AsNoTracking().Include(t => t.Decisions).Where(t => t.Title.StartsWith("Crash task ")).ToListAsync(Cancel);
        Assert.Equal(Agents * TasksPerAgent, tasks.Count);
        Assert.Equal(answers.Select(a => a.Title).Order(), tasks.Select(t => t.Title).Order());
        Assert.All(tasks, t => Assert.Equal((HumanTaskStatus.Decided, 1), (t.Status, t.Decisions.Count)));
        Assert.Equal(answers.Select(a => a.TaskId).Order(), tasks.Select(t => t.Id).Order());
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{tasks.Count} tasks created and decided once each through {kills} kills; {PortalProcess.Retries} retries, {PortalProcess.Replays} replays");
    }

    /// <summary>Migrates the database and makes the two API clients: the agent that asks, and an integration that decides
    /// for a reviewer (never the key that asked).</summary>
    private static async Task<(string Agent, string Integration)> PrepareAsync(string dataFolder)
    {
        var setup = PortalFactory.Embedded(dataFolder);
        try
        {
            var keys = setup.Services.GetRequiredService<ApiKeys>();
            var agent = await keys.CreateAsync("crash agent", [ApiScopes.TasksWrite, ApiScopes.Read], "tests");
            var integration = await keys.CreateAsync("crash integration", [ApiScopes.TasksDecide, ApiScopes.Read], "tests");
            return (agent.Key, integration.Key);
        }
        finally
        {
            await setup.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Sends the request until the portal answers it (a refused connection, a cut one, a timeout, a 429 or a 5xx is sent
    /// again with the same key and body).</summary>
    private static async Task<(int Status, JsonElement Body)> UntilAnsweredAsync(HttpClient client, string path, string body, string key,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await client.SendAsync(request, cancellationToken);
                // A 429 (the key's rate limit) is a "not now": sent again like a refused connection.
                if ((int)response.StatusCode < 500 && response.StatusCode != System.Net.HttpStatusCode.TooManyRequests)
                {
                    if (response.Headers.Contains("Idempotent-Replayed"))
                    {
                        PortalProcess.CountReplay();
                    }
                    var text = await response.Content.ReadAsStringAsync(cancellationToken);
                    return ((int)response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }
            PortalProcess.CountRetry();
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The built portal (<c>dotnet ApprovalPortal.Portal.dll</c>) in Development on a SQLite folder and a port of
    /// its own, started again on the same database after every kill.</summary>
    private sealed class PortalProcess(string dataFolder) : IAsyncDisposable
    {
        private static int _retries;
        private static int _replays;
        private readonly int _port = FreePort();
        private readonly ConcurrentQueue<string> _output = new();
        private Process? _process;

        public int Kills { get; private set; }

        public static int Retries => Volatile.Read(ref _retries);

        public static int Replays => Volatile.Read(ref _replays);

        public static void CountRetry() => Interlocked.Increment(ref _retries);

        public static void CountReplay() => Interlocked.Increment(ref _replays);

        public HttpClient Client(string key)
        {
            var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{_port}/"), Timeout = TimeSpan.FromSeconds(15),
            };
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
            return client;
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = PortalProjectFolder(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ApprovalPortal.Portal.dll"));
            foreach (var argument in new[]
            {
                "--urls", $"http://127.0.0.1:{_port}", "--Database:DataFolder", dataFolder, "--Seed:SampleWorkflows", "false",
                "--Api:RequestsPerMinute", "1000000",
            })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(start) ?? throw new InvalidOperationException("The portal did not start.");
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(process.HasExited, "The portal exited while starting:\n" + string.Join('\n', _output));
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "The portal was not ready within 60 s:\n" + string.Join('\n', _output));
                try
                {
                    if ((await probe.GetAsync("health/ready", cancellationToken)).IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                }
                await Task.Delay(100, cancellationToken);
            }
        }

        /// <summary>SIGKILL: no shutdown, no flush, no answer to the requests in flight.</summary>
        public void Kill()
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: false);
                process.WaitForExit();
                Kills++;
            }
        }

        public ValueTask DisposeAsync()
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill();
                process.WaitForExit();
            }
            _process?.Dispose();
            _process = null;
            return ValueTask.CompletedTask;
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.TryDequeue(out _);
            }
        }

        private static string PortalProjectFolder()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "ApprovalPortal.sln")))
                {
                    return Path.Combine(folder.FullName, "src", "Portal");
                }
            }
            throw new InvalidOperationException("The repository root (ApprovalPortal.sln) was not found above " + AppContext.BaseDirectory);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
