using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;

namespace ApprovalPortal.Engine.Tests.Architecture;

/// <summary>The engine's folders are layers: definitions and events at the bottom, then storage, the instance change,
/// gates, execution, and the job scheduling on top. A namespace that uses one above it closes a cycle, and then no
/// part can be understood (or changed) without all the others.</summary>
public sealed class NamespaceCycleTests
{
    private static readonly ArchUnitNET.Domain.Architecture Engine = new ArchLoader().LoadAssemblies(typeof(EngineJson).Assembly).Build();

    [Fact]
    public void EngineNamespaces_UseEachOther_WithoutACycle()
    {
        var rule = SliceRuleDefinition.Slices().Matching("ApprovalPortal.Engine.(*)").Should().BeFreeOfCycles();
        var violations = rule.Evaluate(Engine).Where(r => !r.Passed).Select(r => r.Description).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }
}
