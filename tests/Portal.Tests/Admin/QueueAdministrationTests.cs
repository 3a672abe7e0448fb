using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Escalations;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Admin;

public sealed class QueueAdministrationTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task CreateQueue_WithABadNameOrDescription_IsRefused_AndStoresNothing(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var existing = admin.Name("claims");
        Assert.True((await admin.Queues.CreateAsync(existing, null, "ada.admin", Cancel)).Succeeded);
        (string? Name, string? Description, string Error)[] cases =
        [
            (null, null, "Give the queue a name."),
            ("   ", null, "Give the queue a name."),
            ("Finance Team", null, "A queue name is at most 200 lower-case letters"),
            ("-leading-dash", null, "A queue name is at most 200"),
            ("<script>", null, "A queue name is at most 200"),
            (new string('q', 201), null, "A queue name is at most 200"),
            (admin.Name("ok"), new string('d', 501), "A description is at most 500 characters."),
            (existing, "again", $"There is already a queue named {existing}."),
        ];

        foreach (var (name, description, error) in cases)
        {
            var result = await admin.Queues.CreateAsync(name, description, "ada.admin", Cancel);

            Assert.False(result.Succeeded, $"'{name}' was accepted");
            Assert.Contains(error, result.Message);
        }
        await using var db = admin.Db();
        Assert.False(await db.Groups.AnyAsync(g => g.Name == admin.Name("ok"), Cancel));
        Assert.Single(await admin.AuditAsync("queue:" + existing));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task Queues_AreListedWithMembersAndOpenTasks_AndTheirDescriptionChangesAudited(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        await admin.UserAsync("a", queues: "legal");
        await admin.UserAsync("b", queues: "legal");
        var legal = admin.Name("legal");
        await admin.TaskAsync("open", legal);
        await admin.TaskAsync("claimed", legal, HumanTaskStatus.Claimed);
        await admin.TaskAsync("decided", legal, HumanTaskStatus.Decided);
        await admin.TaskAsync("elsewhere", admin.Name("other"));

        var described = await admin.Queues.DescribeAsync(legal, "  Contracts and NDAs ", "ada.admin", Cancel);
        var tooLong = await admin.Queues.DescribeAsync(legal, new string('x', 501), "ada.admin", Cancel);

        Assert.True(described.Succeeded, described.Message);
        Assert.False(tooLong.Succeeded);
        var listed = Assert.Single(await admin.Queues.ListAsync(Cancel), q => q.Name == legal);
        Assert.Equal(("Contracts and NDAs", 2, 2), (listed.Description, listed.Members, listed.OpenTasks));
        var audit = Assert.Single(await admin.AuditAsync("queue:" + legal));
        Assert.Equal(("ada.admin", AdminAudit.QueueDescribed), (audit.Actor, audit.Action));
        Assert.Contains("Contracts and NDAs", audit.DetailsJson);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DeleteQueue_IsRefusedWhileSomeoneIsInIt_OrATaskWaitsInIt_OrAPolicyHandsTasksToIt(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var user = await admin.UserAsync("member", queues: "payroll");
        var payroll = admin.Name("payroll");

        var withMember = await admin.Queues.DeleteAsync(payroll, "ada.admin", Cancel);
        Assert.Equal((false, $"{payroll} cannot be deleted while 1 person is in it and 0 open tasks wait in it."), (withMember.Succeeded, withMember.Message));

        await admin.Users.RemoveFromQueueAsync(user, payroll, "ada.admin", Cancel);
        var task = await admin.TaskAsync("payslip", payroll, HumanTaskStatus.Claimed);
        var withTask = await admin.Queues.DeleteAsync(payroll, "ada.admin", Cancel);
        Assert.Equal((false, $"{payroll} cannot be deleted while 0 people are in it and 1 open task waits in it."), (withTask.Succeeded, withTask.Message));

        await using (var db = admin.Db())
        {
            await db.HumanTasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, HumanTaskStatus.Decided), Cancel);
        }
        var policy = admin.Name("to-payroll");
        Assert.True((await admin.Policies.CreateAsync(new PolicyDraft(policy, null, [new(TimeSpan.Zero, EscalationAction.Reassign, Group: payroll)]), "ada.admin", Cancel)).Succeeded);
        var withPolicy = await admin.Queues.DeleteAsync(payroll, "ada.admin", Cancel);
        Assert.Equal((false, $"{payroll} cannot be deleted while the escalation policy {policy} hands tasks to it."), (withPolicy.Succeeded, withPolicy.Message));
        Assert.Contains(await admin.Queues.ListAsync(Cancel), q => q.Name == payroll);
        Assert.DoesNotContain(await admin.AuditAsync("queue:" + payroll), a => a.Action == AdminAudit.QueueDeleted);

        var policyId = (await admin.Policies.ListAsync(Cancel)).Single(p => p.Name == policy).Id;
        Assert.True((await admin.Policies.DeleteAsync(policyId, "ada.admin", Cancel)).Succeeded);
        var deleted = await admin.Queues.DeleteAsync(payroll, "ada.admin", Cancel);

        Assert.True(deleted.Succeeded, deleted.Message);
        Assert.DoesNotContain(await admin.Queues.ListAsync(Cancel), q => q.Name == payroll);
        Assert.Equal(("ada.admin", AdminAudit.QueueDeleted), ((await admin.AuditAsync("queue:" + payroll))[^1].Actor, (await admin.AuditAsync("queue:" + payroll))[^1].Action));
    }
}
