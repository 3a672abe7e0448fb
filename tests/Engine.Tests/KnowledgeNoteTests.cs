using System.Text.Json;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;
using static ApprovalPortal.Engine.Tests.OpsEngine;

namespace ApprovalPortal.Engine.Tests;

public sealed class KnowledgeNoteTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static readonly Intervention Oscar = new("oscar", "the customer called");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task RememberedNotes_AreCommittedWithTheStep_EditedWhilePaused_AndRecalledByTheNextSession(DatabaseProvider provider)
    {
        var database = await databases.GetAsync(provider);
        await using var engine = await EngineHost.StartAsync(database, e => e.AddWorkflow<NotesWorkflow>());
        var id = Guid.CreateVersion7();
        using var watcher = engine.Get<InstanceWatch>().Watch(id);
        await engine.Get<Client.WorkflowClient>().StartAsync(new Client.StartWorkflow
        {
            Definition = NotesWorkflow.DefinitionName, Input = JsonSerializer.SerializeToElement(new NotesState(), EngineJson.Options), InstanceId = id,
        });
        await Until(watcher, WorkflowStatus.Waiting);

        await using (var db = database.CreateContext())
        {
            // The first try remembered "draft" and then failed: a failed step keeps nothing.
            var notes = await db.KnowledgeNotes.AsNoTracking().Where(n => n.InstanceId == id).OrderBy(n => n.Key).ToListAsync(Cancel);
            Assert.Equal([("channel", "email", "learn")], notes.Select(n => (n.Key, n.Text, n.WrittenBy)));
        }
        var commands = engine.Get<InstanceCommands>();
        Assert.Contains("paused", Assert.IsType<CommandResult.Refused>(await commands.EditNoteAsync(id, "channel", "phone", Oscar, Cancel)).Reason);
        Assert.IsType<CommandResult.Done>(await commands.PauseAsync(id, Oscar, Cancel));
        Assert.IsType<CommandResult.Done>(await commands.EditNoteAsync(id, "channel", "phone", Oscar, Cancel));
        Assert.IsType<CommandResult.Done>(await commands.EditNoteAsync(id, "hours", "after 5pm", Oscar, Cancel));
        Assert.IsType<CommandResult.Refused>(await commands.EditNoteAsync(id, "hours", "after 5pm", Oscar, Cancel));
        Assert.IsType<CommandResult.Invalid>(await commands.EditNoteAsync(id, " ", "x", Oscar, Cancel));
        Assert.IsType<CommandResult.Done>(await commands.ResumeAsync(id, Oscar, Cancel));
        Assert.IsType<CommandResult.Done>(await engine.Get<Signals>().SendAsync(id, "go", null, "erp", Cancel));
        await Until(watcher, WorkflowStatus.Completed);

        await using var check = database.CreateContext();
        var state = JsonSerializer.Deserialize<NotesState>((await check.WorkflowInstances.SingleAsync(i => i.Id == id, Cancel)).StateJson, EngineJson.Options)!;
        Assert.Equal("phone", state.Channel);
        Assert.Equal("What you noted in earlier sessions (key: note):\n- channel: phone\n- hours: after 5pm", state.Prompt);
        var edits = await check.WorkflowEvents.AsNoTracking().Where(e => e.InstanceId == id && e.Type == WorkflowEventType.NoteEdited)
            .OrderBy(e => e.Sequence).ToListAsync(Cancel);
        Assert.Equal([("channel", "email", "phone"), ("hours", null, "after 5pm")], edits
            .Select(e => Assert.IsType<NoteEditedEvent>(InstanceEvents.Read(e.Type, e.DataJson))).Select(n => (n.Key, n.From, n.To)));
        Assert.All(edits, e => Assert.Equal("oscar", e.Actor));
        var kept = await check.KnowledgeNotes.AsNoTracking().Where(n => n.InstanceId == id).OrderBy(n => n.Key).ToListAsync(Cancel);
        Assert.Equal([("channel", "phone", "oscar"), ("hours", "after 5pm", "oscar")], kept.Select(n => (n.Key, n.Text, n.WrittenBy)));
        await InterventionTests.AssertGapFreeAsync(database, id);
    }
}

/// <summary>Learns a note (its first try fails after remembering another), waits, then recalls its notes in a new session.</summary>
public sealed class NotesWorkflow : Workflow<NotesState>
{
    public const string DefinitionName = "notes-test";

    public override string Name => DefinitionName;

    protected override void Define(WorkflowBuilder<NotesState> flow) => flow
        .Step("learn", (state, context) =>
        {
            if (context.Attempt == 1)
            {
                context.Remember("draft", "should never be kept");
                throw new InvalidOperationException("Planned failure");
            }
            context.Remember("channel", "email");
            return Next.WaitForSignal("go", "use", state);
        }, next: ["use"], retry: new RetryPolicy(MaxAttempts: 2, InitialDelay: TimeSpan.FromMilliseconds(10)))
        .Step("use", async (state, context) =>
        {
            var prompt = await context.NotesMessageAsync();
            return Next.Complete(state with { Channel = await context.RecallAsync("channel"), Prompt = prompt?.Text });
        });
}

public sealed record NotesState
{
    public string? Channel { get; init; }
    public string? Prompt { get; init; }
}
