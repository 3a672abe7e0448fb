using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Workflows;

/// <summary>An instance parked by a refusal for rate says so, with the time it resumes, on the instance page, the list and the API.</summary>
public sealed class RateLimitedViewTests : IAsyncLifetime
{
    // Today, so the pages give the time alone; the seconds show only in the hover text.
    private static readonly DateTime Until = DateTime.UtcNow.Date.AddHours(14).AddMinutes(2).AddSeconds(30);
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RateLimitedInstance_InstancePage_ShowsWhatLimitedItUntilWhen_WithTheExactTimeOnHover_AndTheTimelineSaysWhy()
    {
        var id = await SeedAsync(_portal.Services, "RL-page");
        var olivia = await _portal.SignedInClientAsync("olivia.grant", Cancel);

        var html = await olivia.GetStringAsync($"/workflows/{id}", Cancel);

        Assert.Contains("id=\"instance-waiting\"", html);
        Assert.Contains("rate limited: model gpt-4o until 14:02", html);
        Assert.Contains($"title=\"Until {Until:yyyy-MM-dd} 14:02:30 UTC\"", html);
        // The timeline's sentence (its separator is encoded in the markup).
        Assert.Contains($"rate limited: model gpt-4o until {Until:yyyy-MM-dd} 14:02:30Z", html);
        Assert.Contains("429 Too Many Requests, Retry-After 90", html);
    }

    [Fact]
    public async Task RateLimitedInstance_WorkflowList_ShowsWhatLimitedItUntilWhen_AndNotForAnOrdinaryWait()
    {
        var limited = await SeedAsync(_portal.Services, "RL-list");
        var timed = await SeedAsync(_portal.Services, "RL-timed", reason: null);
        var olivia = await _portal.SignedInClientAsync("olivia.grant", Cancel);

        var html = await olivia.GetStringAsync("/workflows", Cancel);

        var row = html[html.IndexOf(limited.ToString(), StringComparison.Ordinal)..];
        Assert.Contains("rate limited: model gpt-4o until 14:02", row[..row.IndexOf("</tr>", StringComparison.Ordinal)]);
        var timedRow = html[html.IndexOf(timed.ToString(), StringComparison.Ordinal)..];
        Assert.DoesNotContain("rate limited", timedRow[..timedRow.IndexOf("</tr>", StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task RateLimitedInstance_ApiView_CarriesTheWaitingReasonAndUntil()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var id = await SeedAsync(portal.Services, "RL-api");
        var key = await portal.KeyAsync(ApiScopes.Read);

        var body = await ApiPortal.ReadAsync(await portal.Client(key.Key).GetAsync($"/api/v1/workflows/{id}", Cancel));

        Assert.Equal("waiting", body.GetProperty("status").GetString());
        Assert.Equal("rate limited: model gpt-4o", body.GetProperty("waitingReason").GetString());
        Assert.Equal(Until, body.GetProperty("waitingUntil").GetDateTime().ToUniversalTime());
    }

    private static async Task<Guid> SeedAsync(IServiceProvider services, string businessKey, string? reason = "rate limited: model gpt-4o")
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        const string definition = "rate-view-flow";
        if (!await db.WorkflowDefinitions.AnyAsync(d => d.Name == definition, Cancel))
        {
            db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = definition, Version = 1, GraphJson = "{}", RegisteredAt = Until.AddHours(-1) });
        }
        var id = Guid.CreateVersion7();
        db.WorkflowInstances.Add(new WorkflowInstance
        {
            Id = id, DefinitionName = definition, DefinitionVersion = 1, Status = WorkflowStatus.Waiting, CurrentStep = "ask", StateJson = "{}",
            StartedBy = "test", BusinessKey = businessKey, LastSequence = 1, CreatedAt = Until.AddMinutes(-5), UpdatedAt = Until.AddMinutes(-2),
            RunnableAt = Until, WaitingReason = reason,
        });
        db.WorkflowEvents.Add(new WorkflowEvent
        {
            InstanceId = id, Sequence = 1, Type = WorkflowEventType.RateLimited, StepName = "ask", Actor = "engine", OccurredAt = Until.AddMinutes(-2),
            DataJson = $$"""{"resource":"model gpt-4o","until":"{{Until:yyyy-MM-ddTHH:mm:ss}}Z","reason":"429 Too Many Requests, Retry-After 90"}""",
        });
        await db.SaveChangesAsync(Cancel);
        return id;
    }

    public ValueTask InitializeAsync()
    {
        _ = _portal.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
