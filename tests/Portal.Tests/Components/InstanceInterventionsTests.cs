using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Portal.Components.Pages.Workflows;
using ApprovalPortal.Portal.Samples;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Workflows;
using ApprovalPortal.TestSupport;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>The instance page's interventions over a real engine on SQLite.</summary>
public sealed class InstanceInterventionsTests : MudComponentTest, IAsyncLifetime
{
    private static readonly CustomerMessage BrokenLamp = new("Maria Lopez", "maria.lopez@example.com", "Broken lamp in my delivery",
        "Hi, my order 10-4471 arrived yesterday but the glass shade of the lamp is cracked. Can you help?");

    private readonly EngineSlot _slot = new();
    private IRenderedComponent<MudPopoverProvider>? _popovers;

    private static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    protected override void AddServices(IServiceCollection services)
    {
        // The engine starts in InitializeAsync; components resolve its services only when they render.
        services.AddSingleton(_ => _slot.Engine.Get<InstanceCommands>());
        services.AddSingleton(_ => _slot.Engine.Get<Signals>());
        services.AddSingleton(_ => _slot.Engine.Get<TaskCommands>());
        services.AddSingleton(_ => _slot.Engine.Get<DefinitionRegistry>());
        services.AddSingleton(_ => _slot.Engine.Get<IDbContextFactory<PortalDbContext>>());
        services.AddSingleton<InstanceDetails>();
        services.AddSingleton<ReplayPreview>();
        services.AddSingleton<InstanceOpenTasks>();
        AddAuthorization().SetAuthorized("olivia.grant");
    }

    [Theory]
    [InlineData("Pause")]
    [InlineData("Cancel")]
    [InlineData("Rewind")]
    [InlineData("Fork")]
    [InlineData("Signal")]
    [InlineData("Reassign")]
    public async Task Intervention_WithAnEmptyOrBlankReason_CannotBeConfirmed_AndRunsNoCommand(string action)
    {
        var (instance, dialogs, cut) = await OpenAsync(action);
        if (action == "Signal")
        {
            dialogs.Find("#signal-name").Input("go");
        }
        if (action == "Reassign")
        {
            dialogs.Find("#reassign-user").Input("sam.okafor");
        }

        Assert.True(dialogs.Find("#intervention-confirm").HasAttribute("disabled"), "no reason yet");
        dialogs.Find("#intervention-reason").Input(" \t ");
        Assert.True(dialogs.Find("#intervention-confirm").HasAttribute("disabled"), "a blank reason is no reason");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        var after = await RowAsync(instance.Id);
        Assert.Equal((instance.Version, instance.LastSequence, instance.Status), (after.Version, after.LastSequence, after.Status));
        Assert.Equal(1, await InstancesAsync());
        // The same dialog with a reason can be confirmed: the reason was what held it back.
        dialogs.Find("#intervention-reason").Input("Customer called");
        Assert.False(dialogs.Find("#intervention-confirm").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("#intervention-result"));
    }

    [Fact]
    public async Task Priority_RaisedWithAReason_IsStored_AndRecordedWithTheOperatorAndTheReason()
    {
        var (instance, dialogs, cut) = await OpenAsync("Priority");

        dialogs.Find("#priority-value").Input("25");
        dialogs.Find("#intervention-reason").Input("The customer is waiting on the phone");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Priority set to 25.", cut.Find("#intervention-result").TextContent));
        Assert.Equal(25, (await RowAsync(instance.Id)).Priority);
        await using var db = _slot.Database.CreateContext();
        var changed = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.PriorityChanged, Cancel);
        Assert.Equal("olivia.grant", changed.Actor);
        Assert.Contains("The customer is waiting on the phone", changed.DataJson);
    }

    [Fact]
    public async Task Pause_WithAReason_IsDone_AndRecordedWithTheOperatorAndTheReason()
    {
        var (instance, dialogs, cut) = await OpenAsync("Pause");

        dialogs.Find("#intervention-reason").Input("Customer called");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Pause: done.", cut.Find("#intervention-result").TextContent));
        Assert.Equal(WorkflowStatus.Paused, (await RowAsync(instance.Id)).Status);
        await using var db = _slot.Database.CreateContext();
        var paused = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.Paused, Cancel);
        Assert.Equal("olivia.grant", paused.Actor);
        Assert.Contains("Customer called", paused.DataJson);
    }

    [Theory]
    [InlineData("{ \"message\": ", "not valid JSON")]
    [InlineData("{ \"message\": 5 }", "not a valid CustomerReplyState")]
    public async Task Rewind_WithInvalidEditedState_IsRefusedWithAMessage_AndChangesNothing(string state, string message)
    {
        var (instance, dialogs, cut) = await OpenAsync("Rewind");
        Assert.NotNull(dialogs.Find("#replay-preview"));

        dialogs.Find("#replay-state textarea").Change(state);
        dialogs.Find("#intervention-reason").Input("Fix the address");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains(message, dialogs.Find("#intervention-refused").TextContent));
        var after = await RowAsync(instance.Id);
        Assert.Equal((instance.Version, instance.LastSequence, instance.Status), (after.Version, after.LastSequence, after.Status));
        Assert.Empty(cut.FindAll("#intervention-result"));
    }

    [Fact]
    public async Task Refusal_FromTheEngine_IsShownInTheDialog_AndChangesNothing()
    {
        var (instance, dialogs, cut) = await OpenAsync("Resume");

        dialogs.Find("#intervention-reason").Input("Go on");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Only a paused instance can be resumed", dialogs.Find("#intervention-refused").TextContent));
        Assert.Equal(instance.Version, (await RowAsync(instance.Id)).Version);
        Assert.Empty(cut.FindAll("#intervention-result"));
    }

    [Fact]
    public async Task Fork_StartsANewWorkflowFromTheCheckpoint_AndOpensItsPage()
    {
        var (instance, dialogs, _) = await OpenAsync("Fork");

        dialogs.Find("#intervention-reason").Input("Try the reply on a copy");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        await using var db = _slot.Database.CreateContext();
        var fork = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.ParentInstanceId == instance.Id, Cancel);
        Assert.EndsWith($"/workflows/{fork.Id}", navigation.Uri);
        Assert.Equal(instance.Version + 1, (await RowAsync(instance.Id)).Version);
        Assert.Contains("Try the reply on a copy", (await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.Forked, Cancel)).DataJson);
    }

    [Fact]
    public async Task Signal_WithANameAndPayload_IsQueuedForTheWorkflow_AndRecordedWithTheReason()
    {
        var (instance, dialogs, cut) = await OpenAsync("Signal");

        dialogs.Find("#signal-name").Input("customer-called");
        dialogs.Find("#signal-payload textarea").Change("""{ "phone": "+49 30 1234" }""");
        dialogs.Find("#intervention-reason").Input("The customer phoned in");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Signal 'customer-called' sent.", cut.Find("#intervention-result").TextContent));
        await using var db = _slot.Database.CreateContext();
        var signal = await db.PendingSignals.AsNoTracking().SingleAsync(s => s.InstanceId == instance.Id, Cancel);
        Assert.Equal("customer-called", signal.Name);
        Assert.Equal("+49 30 1234", JsonDocument.Parse(signal.PayloadJson!).RootElement.GetProperty("phone").GetString());
        var received = await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.SignalReceived, Cancel);
        Assert.Equal("olivia.grant", received.Actor);
        Assert.Contains("The customer phoned in", received.DataJson);
    }

    [Fact]
    public async Task Reassign_ListsTheOpenTask_AndGivesItToTheChosenReviewer()
    {
        var (instance, dialogs, cut) = await OpenAsync("Reassign");
        Assert.Contains("Reply to Maria Lopez", dialogs.Find(".intervention-dialog").TextContent);

        dialogs.Find("#reassign-user").Input("sam.okafor");
        dialogs.Find("#intervention-reason").Input("Sam knows this customer");
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Task reassigned to sam.okafor", cut.Find("#intervention-result").TextContent));
        await using var db = _slot.Database.CreateContext();
        var task = await db.HumanTasks.AsNoTracking().SingleAsync(t => t.InstanceId == instance.Id, Cancel);
        Assert.Equal("sam.okafor", task.Assignee);
        Assert.Contains("Sam knows this customer",
            (await db.WorkflowEvents.SingleAsync(e => e.InstanceId == instance.Id && e.Type == WorkflowEventType.TaskReassigned, Cancel)).DataJson);
    }

    [Fact]
    public async Task Skip_OfAStepThatLeadsToSeveralSteps_WaitsForTheChoice_AndGoesOnWithTheChosenOne()
    {
        var (instance, dialogs, cut) = await OpenAsync("Skip", BranchingWorkflow.DefinitionName, new BranchingState("route me"), WorkflowStatus.Failed);
        dialogs.Find("#intervention-reason").Input("The router is down; orders go right for now");
        Assert.True(dialogs.Find("#intervention-confirm").HasAttribute("disabled"), "the next step is not chosen yet");

        dialogs.Find(".intervention-dialog .mud-select .mud-input-control").MouseDown();
        var popovers = _popovers!;
        popovers.WaitForAssertion(() => Assert.Equal(["left", "right"], popovers.FindAll(".mud-list-item").Select(i => i.TextContent.Trim())));
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "right").Click();
        dialogs.WaitForAssertion(() => Assert.False(dialogs.Find("#intervention-confirm").HasAttribute("disabled")));
        using var watcher = _slot.Engine.Get<InstanceWatch>().Watch(instance.Id);
        await dialogs.Find("#intervention-confirm").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("goes on with 'right'", cut.Find("#intervention-result").TextContent));
        await watcher.WaitAsync(s => s == WorkflowStatus.Completed, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        Assert.Contains("\"took\":\"right\"", (await RowAsync(instance.Id)).StateJson);
    }

    /// <summary>A customer reply waiting for its review, the interventions rendered for it, and the dialog of <paramref name="action"/> open.</summary>
    private Task<(WorkflowInstance Instance, IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<InstanceInterventions> Cut)> OpenAsync(string action) =>
        OpenAsync(action, CustomerReplyWorkflow.DefinitionName, new CustomerReplyState(BrokenLamp), WorkflowStatus.WaitingForHuman);

    /// <summary>An instance of <paramref name="definition"/> at <paramref name="status"/>, the interventions rendered for it, and the dialog of <paramref name="action"/> open.</summary>
    private async Task<(WorkflowInstance Instance, IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<InstanceInterventions> Cut)> OpenAsync(
        string action, string definition, object input, WorkflowStatus status)
    {
        var id = Guid.CreateVersion7();
        using (var watcher = _slot.Engine.Get<InstanceWatch>().Watch(id))
        {
            await _slot.Engine.Get<WorkflowClient>().StartAsync(new StartWorkflow
            {
                Definition = definition, InstanceId = id, Input = JsonSerializer.SerializeToElement(input, EngineJson.Options),
            });
            await watcher.WaitAsync(s => s == status, Cancel).WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        }
        var instance = await RowAsync(id);
        _popovers = Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<InstanceInterventions>(p => p.Add(c => c.Instance, instance));
        await cut.Find($"[data-action={action}]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Equal(action, dialogs.Find(".intervention-dialog").GetAttribute("data-intervention")));
        return (instance, dialogs, cut);
    }

    private async Task<WorkflowInstance> RowAsync(Guid id)
    {
        await using var db = _slot.Database.CreateContext();
        return await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, Cancel);
    }

    private async Task<int> InstancesAsync()
    {
        await using var db = _slot.Database.CreateContext();
        return await db.WorkflowInstances.CountAsync(Cancel);
    }

    public async ValueTask InitializeAsync()
    {
        _slot.Database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        _slot.Engine = await EngineHost.StartAsync(_slot.Database, e => e.AddSampleAgents().AddWorkflow<BranchingWorkflow>());
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await _slot.Engine.DisposeAsync();
        await _slot.Database.DisposeAsync();
    }

    /// <summary>What the test starts after its services are registered.</summary>
    private sealed class EngineSlot
    {
        public EngineHost Engine { get; set; } = null!;

        public TestDatabase Database { get; set; } = null!;
    }
}
