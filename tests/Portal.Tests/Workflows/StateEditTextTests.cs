using System.Text.Json.Nodes;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Portal.Workflows;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class StateEditTextTests
{
    private static WorkflowEvent Entry(InstanceEvent evt) => new()
    {
        InstanceId = Guid.CreateVersion7(), Sequence = 7, Type = evt.Type, StepName = "assess", Actor = "oscar",
        OccurredAt = new DateTime(2026, 12, 4, 9, 0, 0, DateTimeKind.Utc), DataJson = InstanceEvents.Serialize(evt),
    };

    [Fact]
    public void StateModified_InTheTimeline_ReadsAsItsChanges_WithTheReason()
    {
        var evt = new StateModifiedEvent(
        [
            new StateChange("replace", "/amount", JsonValue.Create(120), JsonValue.Create(12)),
            new StateChange("add", "/note", null, JsonValue.Create("<checked>")),
            new StateChange("remove", "/draft", JsonValue.Create(true), null),
        ], "typo in the amount");

        Assert.Equal("state edited: /amount: 120 → 12; added /note: \"<checked>\"; removed /draft (was true) · typo in the amount", EventText.Of(Entry(evt)));
    }

    [Fact]
    public void NoteEdited_InTheTimeline_ReadsAsTheNoteBeforeAndAfter()
    {
        Assert.Equal("note channel: email → phone · the customer called", EventText.Of(Entry(new NoteEditedEvent("channel", "email", "phone", "the customer called"))));
        Assert.Equal("note hours written: after 5pm", EventText.Of(Entry(new NoteEditedEvent("hours", null, "after 5pm", null))));
        Assert.Equal("note hours removed", EventText.Of(Entry(new NoteEditedEvent("hours", "after 5pm", null, null))));
    }
}
