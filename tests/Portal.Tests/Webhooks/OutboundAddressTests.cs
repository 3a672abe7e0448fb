using System.Net;
using ApprovalPortal.Portal.Webhooks;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Tests.Webhooks;

/// <summary>The rule for addresses the portal calls, checked on the addresses themselves: nothing here connects anywhere.</summary>
public sealed class OutboundAddressTests
{
    [Theory]
    [InlineData("169.254.169.254")] // the cloud metadata service
    [InlineData("169.254.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("0.0.0.0")]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.251")]
    [InlineData("255.255.255.255")]
    [InlineData("fd00::1")]
    [InlineData("fc00::1")]
    [InlineData("fe80::1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::ffff:10.0.0.1")] // IPv4 written as IPv6
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("2002:a00:1::1")] // 6to4 of 10.0.0.1
    [InlineData("ff02::1")]
    [InlineData("::a00:1")] // IPv4-compatible 10.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    public void PrivateLoopbackAndLinkLocalAddresses_AreRefused(string address) =>
        Assert.True(OutboundAddressRule.IsRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddresses_AreAllowed(string address) =>
        Assert.False(OutboundAddressRule.IsRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "loopback, private or link-local")]
    [InlineData("http://10.0.0.1:8080/hook", "loopback, private or link-local")]
    [InlineData("http://[fd00::1]/hook", "loopback, private or link-local")]
    [InlineData("http://[::ffff:127.0.0.1]/hook", "loopback, private or link-local")]
    [InlineData("http://localhost:5000/hook", "loopback, private or link-local")]
    [InlineData("http://2130706433/hook", "loopback, private or link-local")] // 127.0.0.1 as one number
    [InlineData("ftp://example.org/hook", "absolute http or https")]
    [InlineData("file:///etc/passwd", "absolute http or https")]
    public void AddressToSave_InARefusedRangeOrScheme_IsRefusedWithAReason(string url, string reason) =>
        Assert.Contains(reason, Guard().RefusalAtSave(url));

    [Theory]
    [InlineData("https://hooks.example.org/approvalportal")]
    [InlineData("http://93.184.215.14/hook")]
    public void AddressToSave_Public_IsAccepted(string url) => Assert.Null(Guard().RefusalAtSave(url));

    [Fact]
    public void AddressToSave_OfAnAllowedPrivateHost_IsAccepted() =>
        Assert.Null(Guard("10.0.0.1", "hooks.internal").RefusalAtSave("http://10.0.0.1/hook") ?? Guard("hooks.internal").RefusalAtSave("http://HOOKS.internal/x"));

    [Fact]
    public async Task NameResolvingToAPublicAndAPrivateAddress_IsRefused()
    {
        var guard = new OutboundGuard(new FixedResolver(IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.1")), Options([]));

        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => guard.ResolveAsync("hooks.example.org", TestContext.Current.CancellationToken));
    }

    private static OutboundGuard Guard(params string[] allowed) => new(new FixedResolver(), Options(allowed));

    private static IOptionsMonitor<WebhookOptions> Options(string[] allowed) =>
        new StaticMonitor(new WebhookOptions { AllowedPrivateHosts = allowed });

    private sealed class StaticMonitor(WebhookOptions value) : IOptionsMonitor<WebhookOptions>
    {
        public WebhookOptions CurrentValue => value;

        public WebhookOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<WebhookOptions, string?> listener) => null;
    }
}

/// <summary>A resolver that answers every name with the same addresses (the tests' stand-in for DNS).</summary>
public sealed class FixedResolver(params IPAddress[] addresses) : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(addresses);
}
