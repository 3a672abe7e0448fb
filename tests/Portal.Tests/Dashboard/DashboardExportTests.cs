using System.Net;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Dashboard;

public sealed class DashboardExportTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Embedded(out _);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Manager_ExportsTheBacklog_WithAnAgentNamedQueueNeutralised()
    {
        await SeedOpenTaskAsync("=HYPERLINK(\"http://evil.example\",\"click\")");
        var martin = await _portal.SignedInClientAsync("martin.keller", Cancel);

        var response = await martin.GetAsync("/dashboard/export/backlog.csv?range=24h", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Cancel)).Split("\r\n");
        Assert.Equal("queue,open,oldest_age_s,median_age_s,p90_age_s,overdue", lines[0]);
        Assert.StartsWith("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",1,", lines[1]);
    }

    [Theory]
    [InlineData("throughput-hourly", "period_start_utc,tasks_decided,instances_completed", 25)]
    [InlineData("throughput-daily", "period_start_utc,tasks_decided,instances_completed", 2)]
    [InlineData("instances", "status,instances", 7)]
    public async Task Admin_ExportsEachTable_ForTheRangeAsked(string widget, string header, int rowsAtLeast)
    {
        var ada = await _portal.SignedInClientAsync("ada.admin", Cancel);

        var csv = await ada.GetStringAsync($"/dashboard/export/{widget}.csv?range=24h", Cancel);

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(header, lines[0]);
        Assert.True(lines.Length - 1 >= rowsAtLeast - 1 && lines.Length - 1 <= rowsAtLeast, $"{lines.Length - 1} rows");
    }

    [Fact]
    public async Task Reviewer_IsRefused()
    {
        var elena = await _portal.SignedInClientAsync("elena.fischer", Cancel);

        var response = await elena.GetAsync("/dashboard/export/backlog.csv?range=7d", Cancel);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("queue,open", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData("/dashboard/export/backlog.csv?range=1y", HttpStatusCode.BadRequest, "range must be 24h, 7d or 30d")]
    [InlineData("/dashboard/export/backlog.csv?from=2026-11-08T00:00:00Z&to=2026-11-01T00:00:00Z", HttpStatusCode.BadRequest, "must be after its start")]
    [InlineData("/dashboard/export/secrets.csv?range=7d", HttpStatusCode.NotFound, "There is no dashboard table")]
    public async Task BadRequests_AreAnsweredWithAReason(string path, HttpStatusCode status, string reason)
    {
        var martin = await _portal.SignedInClientAsync("martin.keller", Cancel);

        var response = await martin.GetAsync(path, Cancel);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task DashboardPage_ShowsTheWidgetsToManagers_AndRefusesReviewers()
    {
        await SeedOpenTaskAsync("<b>payroll</b>");
        var martin = await _portal.SignedInClientAsync("martin.keller", Cancel);
        var elena = await _portal.SignedInClientAsync("elena.fischer", Cancel);

        var html = await martin.GetStringAsync("/dashboard", Cancel);
        var refused = await elena.GetAsync("/dashboard", Cancel);

        foreach (var widget in new[] { "backlog", "instances", "throughput", "decision-times", "sla", "agents" })
        {
            Assert.Contains($"id=\"{widget}\"", html);
        }
        Assert.Contains("&lt;b&gt;payroll&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>payroll</b>", html);
        Assert.Contains("/dashboard/export/backlog.csv?range=7d", html);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/forbidden", refused.Headers.Location!.AbsolutePath);
    }

    private async Task SeedOpenTaskAsync(string group)
    {
        _ = _portal.Server;
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Cancel);
        var now = DateTime.UtcNow;
        db.HumanTasks.Add(new HumanTask
        {
            Id = Guid.CreateVersion7(), Title = "Untrusted queue", Kind = TaskKind.Approve, Status = HumanTaskStatus.Open, CandidateGroup = group,
            CreatedAt = now.AddMinutes(-5), UpdatedAt = now.AddMinutes(-5),
        });
        await db.SaveChangesAsync(Cancel);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
