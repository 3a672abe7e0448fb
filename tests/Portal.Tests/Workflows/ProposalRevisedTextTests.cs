using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Portal.Workflows;

namespace ApprovalPortal.Portal.Tests.Workflows;

public sealed class ProposalRevisedTextTests
{
    [Fact]
    public void ProposalRevised_InTheTimeline_SaysTheRevisionTheChangesAndTheApprovalsThatNoLongerCount()
    {
        var task = Guid.CreateVersion7();
        var entry = new WorkflowEvent
        {
            Type = WorkflowEventType.ProposalRevised,
            DataJson = InstanceEvents.Serialize(new ProposalRevisedEvent(task, 3, 2, 1, "billing agent")),
        };

        Assert.Equal($"task {task} revision 3 · 2 changes · 1 earlier approval no longer counts · key billing agent", EventText.Of(entry));
    }
}
