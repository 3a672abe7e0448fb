using System.Net;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Incidents;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class IncidentsPageTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_SeesOpenIncidents_WithTheirErrorAsText_AndNotResolvedOnes()
    {
        await SeedAsync("EC-8801", "HttpRequestException: payments answered 503 <script>alert(1)</script>", IncidentStatus.Open);
        await SeedAsync("EC-8802", "TimeoutException: already retried", IncidentStatus.Retried);
        var olivia = await _portal.SignedInClientAsync("olivia.grant", Cancel);

        var html = await olivia.GetStringAsync("/incidents", Cancel);

        Assert.Contains("EC-8801", html);
        Assert.Contains("payments answered 503 &lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.DoesNotContain("EC-8802", html);
        Assert.Contains("data-total=\"1\"", html);
    }

    [Fact]
    public async Task Reviewer_IsRefused()
    {
        var elena = await _portal.SignedInClientAsync("elena.fischer", Cancel);

        var response = await elena.GetAsync("/incidents", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/forbidden", response.Headers.Location!.AbsolutePath);
    }

    private async Task SeedAsync(string businessKey, string error, IncidentStatus status)
    {
        _ = _portal.Server;
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        var now = DateTime.UtcNow;
        var instance = new WorkflowInstance
        {
            Id = Guid.CreateVersion7(), DefinitionName = ExpenseClaimWorkflow.DefinitionName, DefinitionVersion = 1, Status = WorkflowStatus.Failed,
            CurrentStep = "settle", StateJson = "{}", BusinessKey = businessKey, CreatedAt = now, UpdatedAt = now,
        };
        db.WorkflowInstances.Add(instance);
        db.Incidents.Add(new Incident
        {
            Id = Guid.CreateVersion7(), InstanceId = instance.Id, StepName = "settle", Error = error, Attempts = 3, Status = status,
            OpenedAt = now, LastAttemptAt = now,
        });
        await db.SaveChangesAsync(Cancel);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
