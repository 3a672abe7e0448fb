using System.Collections.Concurrent;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Live;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Live;

public sealed class PortalHubTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);
    private readonly List<HubConnection> _connections = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ExpenseClaim Claim(string id, decimal amount) =>
        new("jana.novak", amount, "EUR", "travel", "Trip to the customer", [new Receipt("R-" + id, amount)], id);

    [Fact]
    public async Task Anonymous_CannotConnect()
    {
        var connection = Connect(cookie: null);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(Cancel));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task EachReviewer_HearsOnlyOfTheQueuesTheyAreIn()
    {
        var elena = await ListenAsync("elena.fischer");
        var martin = await ListenAsync("martin.keller");

        var small = await OpenTaskAsync(Claim("EC-7001", 84.50m));
        var large = await OpenTaskAsync(Claim("EC-7002", 1840.00m));

        var elenaHeard = await elena.WaitForAsync(n => n.TaskId == small && n.Change == TaskChange.Opened);
        var martinHeard = await martin.WaitForAsync(n => n.TaskId == large && n.Change == TaskChange.Opened);
        Assert.Equal(ExpenseClaimWorkflow.FinanceGroup, elenaHeard.CandidateGroup);
        Assert.Equal(ExpenseClaimWorkflow.ManagersGroup, martinHeard.CandidateGroup);
        // Each connection gets its messages in order, and the finance task was announced before the managers' one.
        Assert.DoesNotContain(martin.Heard, n => n.TaskId == small);
        await Task.Delay(300, Cancel);
        Assert.DoesNotContain(elena.Heard, n => n.TaskId == large);
    }

    [Fact]
    public async Task WatchTask_IsRefusedForAQueueTheReviewerIsNotIn_AndAllowedForTheirOwn()
    {
        var sam = await ListenAsync("sam.okafor");
        var small = await OpenTaskAsync(Claim("EC-7003", 84.50m));
        var large = await OpenTaskAsync(Claim("EC-7004", 1840.00m));

        Assert.True(await sam.Connection.InvokeAsync<bool>(nameof(PortalHub.WatchTask), small, Cancel));
        Assert.False(await sam.Connection.InvokeAsync<bool>(nameof(PortalHub.WatchTask), large, Cancel));
        Assert.False(await sam.Connection.InvokeAsync<bool>(nameof(PortalHub.WatchTask), Guid.NewGuid(), Cancel));
    }

    [Fact]
    public async Task AnOperator_CannotWatchTasks()
    {
        var olivia = await ListenAsync("olivia.grant");
        var small = await OpenTaskAsync(Claim("EC-7005", 84.50m));

        var error = await Assert.ThrowsAsync<HubException>(() => olivia.Connection.InvokeAsync<bool>(nameof(PortalHub.WatchTask), small, Cancel));

        Assert.Contains("unauthorized", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private HubConnection Connect(string? cookie)
    {
        var server = _portal.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, PortalHub.Path.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                if (cookie is not null)
                {
                    o.Headers["Cookie"] = cookie;
                }
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        _connections.Add(connection);
        return connection;
    }

    private async Task<Listener> ListenAsync(string userName)
    {
        var connection = Connect(await _portal.SignInCookieAsync(userName, Cancel));
        var listener = new Listener(connection);
        connection.On<TaskNotification>(PortalHub.TaskChanged, listener.Add);
        await connection.StartAsync(Cancel);
        return listener;
    }

    private async Task<Guid> OpenTaskAsync(ExpenseClaim claim) =>
        (await TaskOpener.StartAsync(_portal.Services, ExpenseClaimWorkflow.DefinitionName, new ExpenseClaimState(claim), Cancel)).Task;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
        await _portal.DisposeAsync();
    }

    private sealed class Listener(HubConnection connection)
    {
        private readonly ConcurrentQueue<TaskNotification> _heard = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public HubConnection Connection { get; } = connection;

        public IReadOnlyCollection<TaskNotification> Heard => _heard;

        public void Add(TaskNotification notification)
        {
            _heard.Enqueue(notification);
            _arrived.Release();
        }

        public async Task<TaskNotification> WaitForAsync(Func<TaskNotification, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                if (_heard.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), Cancel);
            }
            throw new TimeoutException("The notification did not arrive.");
        }
    }
}
