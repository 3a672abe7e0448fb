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
        Portal = ApiPortal.Start(DatabaseProvider.Sqlite);
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
        // The task belongs to the key that reads it (a read key sees only its own tasks).
        var rightScopes = scope == ApiScopes.TasksWrite ? [scope] : new[] { scope, ApiScopes.TasksWrite };
        var right = await Portal.KeyAsync(rightScopes);
        var id = (await ApiPortal.ReadAsync(await Portal.Client(right.Key).PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel)))
            .GetProperty("id").GetGuid();
        string? key = credential switch
        {
            Credential.None => null,
            Credential.BadKey => $"ap_{right.Summary.Prefix}_not-the-secret",
            Credential.MalformedKey => "Bearer something",
            Credential.RevokedKey => await RevokedAsync(keys, rightScopes),
            Credential.WrongScope => (await Portal.KeyAsync(ApiScopes.All.Where(s => s != scope).ToArray())).Key,
            _ => right.Key,
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id.ToString()));
        if (method == "POST")
        {
            request.Content = JsonContent.Create(path.EndsWith("decision") ? new { reviewer = "elena.fischer", verb = "approve" } : ApiPortal.Task());
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
