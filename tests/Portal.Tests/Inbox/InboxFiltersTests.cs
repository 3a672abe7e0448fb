using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Portal.Components.Pages.Inbox;
using ApprovalPortal.Portal.Inbox;

namespace ApprovalPortal.Portal.Tests.Inbox;

public sealed class InboxFiltersTests
{
    [Theory]
    [InlineData("all", InboxScope.All, null)]
    [InlineData("mine", InboxScope.Mine, null)]
    [InlineData("group:finance", InboxScope.Group, "finance")]
    [InlineData(null, InboxScope.All, null)]
    [InlineData("something else", InboxScope.All, null)]
    public void WithScope_ReadsTheChipsKey_AndGivesItBack(string? key, InboxScope scope, string? group)
    {
        var filters = new InboxFilters { Scope = InboxScope.Group, Group = "legal", Due = DueFilter.Overdue }.WithScope(key);

        Assert.Equal((scope, group), (filters.Scope, filters.Group));
        Assert.Equal(DueFilter.Overdue, filters.Due);
        Assert.Equal(key is "mine" or "group:finance" ? key : "all", filters.ScopeKey);
    }

    [Fact]
    public void ToRequest_CarriesEveryFilter_AndThePageAsAWindow()
    {
        var filters = new InboxFilters
        {
            Kind = TaskKind.FreeText, Risks = new HashSet<RiskLevel> { RiskLevel.High }, Definition = "expense-claim",
            Due = DueFilter.DueWithin24Hours, OlderThanHours = 24, Sort = InboxSort.Priority,
        }.WithScope("group:finance");

        var request = filters.ToRequest(pageNumber: 3, pageSize: 25);

        request.Validate();
        Assert.Equal(new InboxRequest
        {
            Scope = InboxScope.Group, Group = "finance", Kind = TaskKind.FreeText, Risks = request.Risks, Definition = "expense-claim",
            Due = DueFilter.DueWithin24Hours, OlderThan = TimeSpan.FromDays(1), Sort = InboxSort.Priority, Skip = 50, Take = 25,
        }, request);
        Assert.Equal([RiskLevel.High], request.Risks!);
    }

    [Fact]
    public void ToRequest_WithNothingChosen_FiltersNothing()
    {
        var request = new InboxFilters().ToRequest(pageNumber: 1, pageSize: 25);

        Assert.Equal(new InboxRequest { Skip = 0, Take = 25 }, request);
    }
}
