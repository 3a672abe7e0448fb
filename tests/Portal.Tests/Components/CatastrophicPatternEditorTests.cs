using ApprovalPortal.Portal.Components.Editing;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>The reviewer's editor inside the circuit validates with the agent's schema too.</summary>
public sealed class CatastrophicPatternEditorTests : MudComponentTest
{
    // Pitfall: NJsonSchema matches "pattern" with the static Regex API; without the process-wide timeout (RegexBound) the
    // render backtracks for minutes (holding the circuit), and the test's own timeout fails it.
    [Fact(Timeout = 10_000)]
    public async Task CatastrophicPattern_InTheEditor_ShowsAMessageInsteadOfHanging()
    {
        IReadOnlyList<PayloadError>? reported = null;
        const string schema = """{"type":"object","properties":{"order":{"type":"string","pattern":"^(a+)+$"}}}""";
        var proposal = "{\"order\":\"" + new string('a', 40) + "!\"}";

        var editor = await Task.Run(() => Render<ProposalEditor>(p => p
            .Add(e => e.SchemaJson, schema)
            .Add(e => e.OriginalJson, proposal)
            .Add(e => e.ErrorsChanged, errors => reported = errors)), Xunit.TestContext.Current.CancellationToken);

        Assert.Contains("took longer than 100 ms", editor.Find(".payload-errors").TextContent);
        Assert.Contains(reported!, e => e.Message.Contains("took longer", StringComparison.Ordinal));
    }
}
