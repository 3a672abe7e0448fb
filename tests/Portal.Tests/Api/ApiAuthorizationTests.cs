using System.Net;
using System.Net.Http.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>One portal for the whole matrix; every row makes its own keys and task.</summary>
public sealed class ApiAuthorizationFixture : IAsyncLifetime
{
    public ApiPortal Portal { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        // The matrix sends many bad keys from one address on purpose; the limit on that has tests of its own.
        Portal = ApiPortal.Start(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:FailedKeyAttemptsPerMinute"] = "100000" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await Portal.DisposeAsync();
}

public sealed class ApiAuthorizationTests(ApiAuthorizationFixture fixture) : IClassFixture<ApiAuthorizationFixture>
{
    public enum Credential { None, BadKey, MalformedKey, RevokedKey, WrongScope, RightScope }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ApiPortal Portal => fixture.Portal;

    /// <summary>Every endpoint with the scope it needs and what the right key gets.</summary>
    private static readonly (string Method, string Path, string Scope, HttpStatusCode Success)[] Endpoints =
    [
        ("POST", "/api/v1/tasks", ApiScopes.TasksWrite, HttpStatusCode.Created),
        ("GET", "/api/v1/tasks", ApiScopes.Read, HttpStatusCode.OK),
        ("GET", "/api/v1/tasks/{id}", ApiScopes.Read, HttpStatusCode.OK),
        ("GET", "/api/v1/tasks/{id}/decision", ApiScopes.Read, HttpStatusCode.NoContent),
        ("POST", "/api/v1/tasks/{id}/decision", ApiScopes.TasksDecide, HttpStatusCode.OK),
        ("POST", "/api/v1/workflows", ApiScopes.WorkflowsWrite, HttpStatusCode.Created),
        ("GET", "/api/v1/workflows/{wf}", ApiScopes.Read, HttpStatusCode.OK),
        ("GET", "/api/v1/workflows/{wf}/events?limit=5", ApiScopes.Read, HttpStatusCode.OK),
        ("POST", "/api/v1/workflows/{wf}/signals/go", ApiScopes.WorkflowsWrite, HttpStatusCode.Accepted),
        ("POST", "/api/v1/workflows/{wf}/pause", ApiScopes.WorkflowsWrite, HttpStatusCode.OK),
        ("POST", "/api/v1/workflows/{paused}/resume", ApiScopes.WorkflowsWrite, HttpStatusCode.OK),
        ("POST", "/api/v1/workflows/{wf}/cancel", ApiScopes.WorkflowsWrite, HttpStatusCode.OK),
    ];

    public static TheoryData<int, Credential> Matrix()
    {
        var data = new TheoryData<int, Credential>();
        for (var endpoint = 0; endpoint < Endpoints.Length; endpoint++)
        {
            foreach (var credential in Enum.GetValues<Credential>())
            {
                data.Add(endpoint, credential);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Endpoint_WithCredential_AnswersTheExpectedStatus_AndWritesNothingWhenRefused(int endpoint, Credential credential)
    {
        var (method, path, scope, success) = Endpoints[endpoint];
        var keys = Portal.Services.GetRequiredService<ApiKeys>();
        var forTasks = path.StartsWith("/api/v1/tasks", StringComparison.Ordinal);
        // The task belongs to the key that reads it (a read key sees only its own tasks); workflows belong to no key.
        var rightScopes = scope == ApiScopes.TasksWrite || !forTasks ? [scope] : new[] { scope, ApiScopes.TasksWrite };
        var right = await Portal.KeyAsync(rightScopes);
        // A decision is never made by a key of the client that asked for the task: another agent asks for it.
        var asker = method == "POST" && path.EndsWith("decision", StringComparison.Ordinal) ? await Portal.KeyAsync(ApiScopes.TasksWrite) : right;
        var target = path.Contains("{id}")
            ? (await ApiPortal.ReadAsync(await Portal.Client(asker.Key).PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid()
            : path.Contains("{wf}") || path.Contains("{paused}") ? await Portal.WaitingInstanceAsync(paused: path.Contains("{paused}")) : Guid.Empty;
        var key = credential switch
        {
            Credential.None => null,
            Credential.BadKey => $"ap_{right.Summary.Prefix}_not-the-secret",
            Credential.MalformedKey => "Bearer something",
            Credential.RevokedKey => await RevokedAsync(keys, rightScopes),
            Credential.WrongScope => (await Portal.KeyAsync(ApiScopes.All.Where(s => s != scope).ToArray())).Key,
            _ => right.Key,
        };
        using var request = new HttpRequestMessage(new HttpMethod(method),
            path.Replace("{id}", target.ToString()).Replace("{wf}", target.ToString()).Replace("{paused}", target.ToString()));
        if (method == "POST")
        {
            request.Content = JsonContent.Create<object>(path switch
            {
                _ when path.EndsWith("decision", StringComparison.Ordinal) => new { reviewer = "elena.fischer", verb = "approve" },
                "/api/v1/workflows" => new { definition = SignalWaitWorkflow.DefinitionName, input = new { subject = "matrix" } },
                _ when path.Contains("/signals/") => new { payload = new { ok = true } },
                _ when forTasks => ApiPortal.Task(),
                _ => new { reason = "Authorization matrix" },
            });
        }
        var before = await Portal.CountsAsync();

        var response = await Portal.Client(key).SendAsync(request, Cancel);

        var expected = credential switch
        {
            Credential.RightScope => success,
            Credential.WrongScope => HttpStatusCode.Forbidden,
            _ => HttpStatusCode.Unauthorized,
        };
        Assert.Equal(expected, response.StatusCode);
        if (credential == Credential.RightScope && !forTasks && method == "POST")
        {
            // Let what the command set going finish, so the next row counts a quiet database.
            await Portal.SettledAsync(response.Headers.Location is { } started && target == Guid.Empty
                ? Guid.Parse(started.OriginalString.Split('/')[^1]) : target);
        }
        if (credential != Credential.RightScope)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Null(response.Headers.Location);
            Assert.Equal(before, await Portal.CountsAsync());
        }
    }

    [Fact]
    public async Task PortalCookie_DoesNotOpenTheApi()
    {
        var signedIn = await Portal.Factory.SignedInClientAsync("ada.admin", Cancel);

        var response = await signedIn.GetAsync("/api/v1/tasks", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task KeyUse_IsRecorded_AtMostOncePerMinute()
    {
        var key = await Portal.KeyAsync(ApiScopes.Read);
        var client = Portal.Client(key.Key);

        await client.GetAsync("/api/v1/tasks", Cancel);
        var first = (await Portal.Services.GetRequiredService<ApiKeys>().ListAsync(Cancel)).Single(k => k.Id == key.Summary.Id).LastUsedAt;
        await client.GetAsync("/api/v1/tasks", Cancel);
        var second = (await Portal.Services.GetRequiredService<ApiKeys>().ListAsync(Cancel)).Single(k => k.Id == key.Summary.Id).LastUsedAt;

        Assert.NotNull(first);
        Assert.Equal(first, second);
    }

    private async Task<string> RevokedAsync(ApiKeys keys, string[] scopes)
    {
        var revoked = await Portal.KeyAsync(scopes);
        Assert.True(await keys.RevokeAsync(revoked.Summary.Id, Cancel));
        return revoked.Key;
    }
}
