using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Inbox;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class InboxRequestTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    public void Take_OutsideOneTo200_IsRefused(int take)
    {
        var error = Assert.Throws<ArgumentException>(() => new InboxRequest { Take = take }.Validate());

        Assert.Equal("Take", error.ParamName);
        Assert.Contains($"between 1 and 200; it was {take}", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    public void Take_AtTheLimits_IsAccepted(int take) => new InboxRequest { Take = take }.Validate();

    public static TheoryData<InboxRequest, string> BadRequests => new()
    {
        { new InboxRequest { Skip = -1 }, "Skip" },
        { new InboxRequest { Scope = InboxScope.Group }, "Group" },
        { new InboxRequest { Scope = InboxScope.Group, Group = " " }, "Group" },
        { new InboxRequest { Scope = InboxScope.Mine, Group = "finance" }, "Group" },
        { new InboxRequest { OlderThan = TimeSpan.FromMinutes(-1) }, "OlderThan" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void OtherBadValues_AreRefused_NamingTheValue(InboxRequest request, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(request.Validate);

        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task GetPage_WithABadTake_IsRefused(DatabaseProvider provider)
    {
        var data = new InboxData(await databases.GetAsync(provider));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => data.PageAsync(data.Viewer("ana", "g"), new InboxRequest { Take = 500 }));

        Assert.Equal("Take", error.ParamName);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task GetPage_ForAViewerWithoutAName_IsRefused(DatabaseProvider provider)
    {
        // Otherwise "assigned to me" would be "assigned to nobody": every unassigned task.
        var data = new InboxData(await databases.GetAsync(provider));

        await Assert.ThrowsAsync<ArgumentException>(() => data.PageAsync(new Portal.Security.Viewer(" ", new HashSet<string>(), IsAdmin: false)));
        await Assert.ThrowsAsync<ArgumentNullException>(() => data.PageAsync(new Portal.Security.Viewer(null!, new HashSet<string>(), IsAdmin: false)));
    }
}
