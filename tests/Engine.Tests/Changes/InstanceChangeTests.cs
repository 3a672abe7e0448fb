using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Events;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Storage;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Engine.Tests.Changes;

public sealed class InstanceChangeTests
{
    private static readonly DateTime Now = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    private static readonly InstanceRow Read = new()
    {
        Id = Guid.CreateVersion7(), DefinitionName = "d", DefinitionVersion = 1, Status = WorkflowStatus.WaitingForHuman, CurrentStep = "approve",
        StateJson = "{}", Version = 7, LastSequence = 12, CheckpointSequence = 10, CreatedAt = Now.AddDays(-1), UpdatedAt = Now.AddHours(-1),
    };

    private static InstanceChanges Changes() => new(TimeProvider.System, Options.Create(new EngineOptions { NodeName = "node-a" }), new IntegrationOutbox());

    [Fact]
    public void Change_WithEventsAndACommandThatSetsVersionAndSequence_BumpsBothOnlyByItsOwnRules()
    {
        var change = Changes().Of(Read, Now);
        Assert.Equal(13, change.Append(new GateClosedEvent(Guid.NewGuid(), Data.Tasks.TaskOutcome.Approved), "approve", "ada"));
        change.Set(r => r with { Version = 99, LastSequence = 99, CurrentStep = "pay" });
        Assert.Equal(14, change.Append(new ResumedEvent("go"), "pay", "ada"));
        change.Continue();

        var row = change.Instance;
        Assert.Equal((8L, 14L, "pay", WorkflowStatus.Running, "node-a"), (row.Version, row.LastSequence, row.CurrentStep, row.Status, row.LeaseOwner));
        Assert.True(change.Runs);
        var statements = change.ToStatements();
        // The guarded instance UPDATE first, at the version read, writing the version and sequence the change reached.
        Assert.Equal(InstanceColumns.UpdateSql, statements[0].Sql);
        Assert.Equal(1, statements[0].ExpectRows);
        var values = statements[0].Parameters.ToDictionary(p => p.Key, p => p.Value.Value);
        Assert.Equal((7L, 8L, 14L), ((long)values[InstanceColumns.ExpectedVersion]!, (long)values["Version"]!, (long)values["LastSequence"]!));
        Assert.Equal([13L, 14L], statements.Skip(1).Select(s => s.Parameters.ToDictionary(p => p.Key, p => p.Value.Value)["sequence"]).Cast<long>());
    }

    [Fact]
    public void Checkpoint_IsWrittenAtTheLastEventsSequence_AndTheInstanceStandsOnIt()
    {
        var change = Changes().OfStep(Read, Now);
        change.Append(new StepCompletedEvent("pay"), "approve", "engine");
        change.Checkpoint("approve", "pay", """{"paid":false}""");

        Assert.Equal((13L, 13L, """{"paid":false}"""), (change.Instance.LastSequence, change.Instance.CheckpointSequence, change.Instance.StateJson));
        var checkpoint = change.ToStatements().Single(s => s.Sql.Contains("\"Checkpoints\"", StringComparison.Ordinal));
        Assert.Equal(13L, checkpoint.Parameters.Single(p => p.Key == "sequence").Value.Value);
    }
}
