using ApprovalPortal.Data;
using ApprovalPortal.Data.Invocations;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Portal.Components.Pages.Workflows;
using ApprovalPortal.Portal.Tests.Workflows;
using ApprovalPortal.Portal.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>The timeline over a real (migrated) SQLite file, which holds the recorded calls it opens on demand.</summary>
public sealed class InstanceTimelineTests : BunitContext
{
    private static readonly DateTime Day = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "approvalportal-tests", Guid.NewGuid().ToString("N"));
    private readonly Guid _instance = Guid.CreateVersion7();

    public InstanceTimelineTests()
    {
        Directory.CreateDirectory(_folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "timeline.db") }.ToString();
        Services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(DatabaseProvider.Sqlite, connection));
        Services.AddSingleton<InstanceDetails>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        SetRendererInfo(new RendererInfo("Server", true));
        using var db = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        db.Database.Migrate();
        db.WorkflowDefinitions.Add(new WorkflowDefinition { Name = "review-loop", Version = 1, GraphJson = "{}", RegisteredAt = Day });
        db.WorkflowInstances.Add(new WorkflowInstance
        {
            Id = _instance, DefinitionName = "review-loop", DefinitionVersion = 1, Status = WorkflowStatus.Running, StateJson = "{}",
            StartedBy = "test", CreatedAt = Day, UpdatedAt = Day,
        });
        for (var ordinal = 1; ordinal <= 12; ordinal++)
        {
            db.ModelInvocations.Add(new ModelInvocation
            {
                IdempotencyKey = $"{_instance}:assess:model:{ordinal}", InstanceId = _instance, StepName = "assess", Ordinal = ordinal, Model = "offline",
                PromptJson = """[{"role":"user","text":"<script>alert(1)</script>"}]""", ResponseJson = """{"text":"<img src=x onerror=alert(1)>"}""",
                Status = InvocationStatus.Succeeded, InputTokens = 120, OutputTokens = 45, StartedAt = Day.AddSeconds(ordinal), DurationMs = 12.5,
            });
        }
        db.ToolInvocations.Add(new ToolInvocation
        {
            IdempotencyKey = $"{_instance}:assess:tool:1", InstanceId = _instance, StepName = "assess", Ordinal = 1, ToolName = "ledger",
            ArgumentsJson = """{"account":"4711"}""", Error = "HttpRequestException: ledger answered 503", Status = InvocationStatus.Failed, Attempt = 2,
            StartedAt = Day, DurationMs = 30,
        });
        db.SaveChanges();
    }

    private IRenderedComponent<InstanceTimeline> Timeline(IReadOnlyList<WorkflowEvent> events, bool hasMore = false, Action? more = null) =>
        Render<InstanceTimeline>(p => p.Add(t => t.Events, events).Add(t => t.InstanceId, _instance).Add(t => t.HasMore, hasMore)
            .Add(t => t.OnMore, EventCallback.Factory.Create(this, more ?? (() => { }))));

    [Fact]
    public void ConsecutiveEventsOfAStep_FormOneGroup_AndAReturnToTheStepStartsAnother()
    {
        var timeline = Timeline(ReviewLoopWorkflow.Completed(_instance));

        Assert.Equal(["", "intake", "assess", "revise", "assess", "approve", "pay"],
            timeline.FindAll("tr.step-group").Select(g => g.GetAttribute("data-group-step") ?? ""));
        Assert.Equal(11, timeline.FindAll("tr[data-event]").Count);
        var decided = timeline.Find("tr[data-event=DecisionRecorded]");
        Assert.Contains("martin.keller", decided.TextContent);
        Assert.NotNull(decided.QuerySelector("svg.mud-icon-root"));
        Assert.Equal("DecisionRecorded", decided.QuerySelector("svg title")?.TextContent);
    }

    [Fact]
    public void EventData_IsShownFromItsTypedRecord_WhateverVersionStoredIt_AndUnreadableDataAsItIs()
    {
        var events = new List<WorkflowEvent>
        {
            ReviewLoopWorkflow.Event(_instance, 1, WorkflowEventType.StepCompleted, "intake", """{"next":"assess"}"""),
            ReviewLoopWorkflow.Event(_instance, 2, WorkflowEventType.Paused, "assess", """{"v":1,"reason":"A receipt is missing."}""", "olivia.grant"),
            ReviewLoopWorkflow.Event(_instance, 3, WorkflowEventType.GateOpened, "approve", """{"taskId":"t"}"""),
        };
        var timeline = Timeline(events);

        Assert.Equal("next: assess", timeline.Find("tr[data-event=StepCompleted] .trace-text").TextContent.Trim());
        Assert.Equal("A receipt is missing.", timeline.Find("tr[data-event=Paused] .trace-text").TextContent.Trim());
        Assert.Equal("""{"taskId":"t"}""", timeline.Find("tr[data-event=GateOpened] .trace-text").TextContent.Trim());
    }

    [Fact]
    public void Calls_LoadOnlyWhenAGroupIsOpened_AsText_APageAtATime()
    {
        var timeline = Timeline(ReviewLoopWorkflow.Completed(_instance));
        Assert.Empty(timeline.FindAll(".step-calls"));

        var assess = timeline.FindAll("tr.step-group").First(g => g.GetAttribute("data-group-step") == "assess");
        assess.QuerySelector(".calls-toggle")!.Click();

        timeline.WaitForAssertion(() => Assert.Equal(10, timeline.FindAll("[data-call=model]").Count));
        var calls = timeline.Find(".step-calls[data-calls-step=assess]");
        Assert.Empty(calls.QuerySelectorAll("script, img"));
        Assert.Contains("<script>alert(1)</script>", calls.QuerySelector(".call-prompt")!.TextContent);
        Assert.Contains("<img src=x onerror=alert(1)>", calls.QuerySelector(".call-response")!.TextContent);
        Assert.Contains("120 in / 45 out tokens", calls.QuerySelector("[data-call=model]")!.TextContent);
        Assert.Contains($"{_instance}:assess:model:1", calls.QuerySelector(".call-key")!.TextContent);
        var tool = calls.QuerySelector("[data-call=tool]")!;
        Assert.Contains("ledger", tool.TextContent);
        Assert.Contains("attempt 2", tool.TextContent);
        Assert.Contains("ledger answered 503", tool.QuerySelector(".call-error")!.TextContent);

        timeline.Find("[data-more=model]").Click();

        timeline.WaitForAssertion(() => Assert.Equal(12, timeline.FindAll("[data-call=model]").Count));
        Assert.Empty(timeline.FindAll("[data-more=model]"));
        Assert.Single(timeline.FindAll(".step-calls"));
    }

    [Fact]
    public void AStepWithoutCalls_SaysSo()
    {
        var timeline = Timeline(ReviewLoopWorkflow.Completed(_instance));

        timeline.FindAll("tr.step-group").First(g => g.GetAttribute("data-group-step") == "pay").QuerySelector(".calls-toggle")!.Click();

        timeline.WaitForAssertion(() => Assert.Contains("No model or tool calls", timeline.Find(".step-calls[data-calls-step=pay]").TextContent));
    }

    [Fact]
    public void LoadMore_ShowsOnlyWhileMoreRemain_AndAsksForTheNextPage()
    {
        var asked = 0;
        var timeline = Timeline(ReviewLoopWorkflow.Completed(_instance)[..3], hasMore: true, more: () => asked++);

        timeline.Find("#timeline-more").Click();

        Assert.Equal(1, asked);
        Assert.Empty(Timeline(ReviewLoopWorkflow.Completed(_instance), hasMore: false).FindAll("#timeline-more"));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
