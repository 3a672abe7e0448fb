using ApprovalPortal.Portal.Components.Editing;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Samples.DataChanges;
using ApprovalPortal.Portal.Samples.ExpenseClaims;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>A schema is used only when it is JSON Schema (draft-07's meta-schema), its references lead somewhere and its
/// patterns are regular expressions; the reviewer's editor and the API load it the same way.</summary>
public sealed class PayloadSchemaLoadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"type":"banana"}""", "not a valid JSON Schema")]
    [InlineData("""{"type":"object","properties":{"amount":{"type":"banana"}}}""", "not a valid JSON Schema")]
    [InlineData("""{"required":"amount"}""", "not a valid JSON Schema")]
    [InlineData("""{"$ref":"#"}""", "refers to itself")]
    [InlineData("""{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"properties":{"x":{"$ref":"#/definitions/a"}}}""", "refers to itself")]
    [InlineData("""{"properties":{"x":{"type":"string","pattern":"("}}}""", "not a regular expression")]
    [InlineData("""{"patternProperties":{"[":{}}}""", "not a regular expression")]
    public async Task UnusableSchema_IsRefused_WithTheReason(string schema, string reason)
    {
        var load = await PayloadSchema.LoadAsync(schema, Cancel);

        Assert.Null(load.Schema);
        Assert.Contains(reason, load.Problem);
    }

    [Fact]
    public async Task SampleAgentsSchemas_AndRecursiveOnes_AreUsable()
    {
        string[] schemas =
        [
            EmailDraft.Schema.GetRawText(), DataFix.Schema.GetRawText(), ExpenseProposal.Schema.GetRawText(), Payloads.PaymentSchema,
            """{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#"}}}}""",
        ];

        foreach (var schema in schemas)
        {
            var load = await PayloadSchema.LoadAsync(schema, Cancel);
            Assert.True(load.Schema is not null, $"{load.Problem}: {schema}");
        }
    }
}
