using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.Engine.Tests;

public sealed class CallKeyTests
{
    [Theory]
    [InlineData("pay", CallKind.Tool, null)]
    [InlineData("ask:model:2", CallKind.Model, null)]
    [InlineData("send", CallKind.Tool, "0a1b2c3d")]
    public void Key_ReadsBackAsFormed_EvenWhenTheStepNameHoldsColons(string step, CallKind kind, string? digest)
    {
        var key = new CallKey(Guid.CreateVersion7(), step, 42, kind, 3, digest);

        Assert.True(CallKey.TryParse(key.ToString(), out var parsed));
        Assert.Equal(key, parsed);
        Assert.StartsWith(CallKey.Prefix(key.InstanceId, step, 42), key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditedKey_IsTheKeyWithADigestOfTheNewArguments_AndDiffersPerArguments()
    {
        var key = new CallKey(Guid.CreateVersion7(), "pay", 7, CallKind.Tool, 1).ToString();

        var edited = CallKey.Edited(key, """{"amount":5}""");

        Assert.True(CallKey.TryParse(edited, out var parsed));
        Assert.Equal(8, parsed.EditedDigest!.Length);
        Assert.Equal(edited, CallKey.Edited(key, """{"amount":5}"""));
        Assert.NotEqual(edited, CallKey.Edited(key, """{"amount":6}"""));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("api-client-key-123")]
    [InlineData("0123456789abcdef0123456789abcdef:pay:x:tool:1")]
    public void ForeignKey_IsNotRead(string? key) => Assert.False(CallKey.TryParse(key, out _));
}
