using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Live;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>API keys on the live hub: a key hears of the tasks it may read, and of instance changes.</summary>
public sealed class ApiHubTests : IAsyncLifetime
{
    private readonly ApiPortal _portal = ApiPortal.Start(DatabaseProvider.Sqlite);
    private readonly List<HubConnection> _connections = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Key_HearsOfItsOwnTasksDecision_AnotherClientsKeyDoesNot_AKeyThatMayDecideDoes()
    {
        var ownerKey = await _portal.KeyAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var owner = await ListenAsync(ownerKey.Key);
        var stranger = await ListenAsync((await _portal.KeyAsync(ApiScopes.TasksWrite, ApiScopes.Read)).Key);
        var decider = await ListenAsync((await _portal.KeyAsync(ApiScopes.Read, ApiScopes.TasksDecide)).Key);
        var created = await _portal.Client(ownerKey.Key).PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel);
        var id = (await ApiPortal.ReadAsync(created)).GetProperty("id").GetGuid();

        await _portal.Services.GetRequiredService<TaskDecisions>().DecideAsync(
            new DecideTask { TaskId = id, Reviewer = "elena.fischer", Verb = DecisionVerb.Approve }, Cancel);

        var heard = await owner.WaitForAsync(n => n.TaskId == id && n.Change == TaskChange.Decided);
        Assert.Equal("elena.fischer", heard.Actor);
        await decider.WaitForAsync(n => n.TaskId == id && n.Change == TaskChange.Decided);
        // Messages arrive in order per connection; the decider heard the decision, so the stranger has had its chance.
        await Task.Delay(300, Cancel);
        Assert.DoesNotContain(stranger.Tasks, n => n.TaskId == id);
    }

    [Fact]
    public async Task Key_NamedLikeAnAdmin_GetsNoPortalRole_HearsInstanceChanges_ButNotOtherPeoplesTasks()
    {
        var key = await _portal.Services.GetRequiredService<ApiKeys>().CreateAsync("ada.admin", [ApiScopes.Read], "tests", Cancel);
        var listener = await ListenAsync(key.Key);

        var (instance, task) = await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName,
            new ExpenseClaimState(new ExpenseClaim("jana.novak", 84.50m, "EUR", "travel", "Trip", [new Receipt("R-1", 84.50m)], "EC-7101")), Cancel);

        await listener.WaitForInstanceAsync(n => n.InstanceId == instance && n.Status == Data.Workflows.WorkflowStatus.WaitingForHuman);
        Assert.DoesNotContain(listener.Tasks, n => n.TaskId == task);
    }

    [Fact]
    public async Task NoKey_BadKey_AndAKeyWithoutRead_CannotConnect()
    {
        var none = await Assert.ThrowsAsync<HttpRequestException>(() => Connect(null).StartAsync(Cancel));
        var bad = await Assert.ThrowsAsync<HttpRequestException>(() => Connect("ap_nothing_wrong-secret").StartAsync(Cancel));
        var writeOnly = await Assert.ThrowsAsync<HttpRequestException>(
            async () => await Connect((await _portal.KeyAsync(ApiScopes.TasksWrite)).Key).StartAsync(Cancel));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, writeOnly.StatusCode);
    }

    [Fact]
    public async Task AccessTokenInTheQuery_OpensTheHub_ButNotTheRestApi()
    {
        var key = Uri.EscapeDataString((await _portal.KeyAsync(ApiScopes.Read)).Key);
        var anonymous = _portal.Client(null);

        var hub = await anonymous.PostAsync($"{PortalHub.Path}/negotiate?negotiateVersion=1&access_token={key}", null, Cancel);
        var api = await anonymous.GetAsync($"/api/v1/tasks?access_token={key}", Cancel);

        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    private HubConnection Connect(string? key)
    {
        var server = _portal.Factory.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, PortalHub.Path.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (key is not null)
                {
                    o.Headers[ApiKeyAuthenticationHandler.Header] = key;
                }
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        _connections.Add(connection);
        return connection;
    }

    private async Task<Listener> ListenAsync(string key)
    {
        var connection = Connect(key);
        var listener = new Listener();
        connection.On<TaskNotification>(PortalHub.TaskChanged, listener.Add);
        connection.On<InstanceNotification>(PortalHub.InstanceChanged, listener.Add);
        await connection.StartAsync(Cancel);
        return listener;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
        await _portal.DisposeAsync();
    }

    private sealed class Listener
    {
        private readonly ConcurrentQueue<TaskNotification> _tasks = new();
        private readonly ConcurrentQueue<InstanceNotification> _instances = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public IReadOnlyCollection<TaskNotification> Tasks => _tasks;

        public void Add(TaskNotification notification)
        {
            _tasks.Enqueue(notification);
            _arrived.Release();
        }

        public void Add(InstanceNotification notification)
        {
            _instances.Enqueue(notification);
            _arrived.Release();
        }

        public Task<TaskNotification> WaitForAsync(Func<TaskNotification, bool> match) => WaitAsync(_tasks, match);

        public Task<InstanceNotification> WaitForInstanceAsync(Func<InstanceNotification, bool> match) => WaitAsync(_instances, match);

        private async Task<T> WaitAsync<T>(ConcurrentQueue<T> heard, Func<T, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                if (heard.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), Cancel);
            }
            throw new TimeoutException("The notification did not arrive.");
        }
    }
}
