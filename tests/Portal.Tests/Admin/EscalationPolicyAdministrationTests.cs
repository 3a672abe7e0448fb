using ApprovalPortal.Data.Providers;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Portal.Escalations;
using ApprovalPortal.Portal.Security;
using ApprovalPortal.Portal.Tests.Samples;
using ApprovalPortal.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Admin;

public sealed class EscalationPolicyAdministrationTests(ProviderDatabases databases) : IClassFixture<ProviderDatabases>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task CreatePolicy_WithAChainTheEngineWouldNotFollow_IsRefusedWithTheReason_AndStoresNothing(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var queue = admin.Name("leads");
        await admin.Queues.CreateAsync(queue, null, "ada.admin", Cancel);
        var name = admin.Name("bad");
        (string Name, EscalationLevel[] Levels, string Error)[] cases =
        [
            ("", [new(Hour, EscalationAction.Notify)], "Give the policy a name."),
            ("Finance Lead", [new(Hour, EscalationAction.Notify)], "A policy name is at most 200 lower-case letters"),
            (name, [], "Add at least one level."),
            (name, [new(Hour, EscalationAction.Reassign)], "Level 1: a reassignment needs a queue or a person to take the task."),
            (name, [new(Hour, EscalationAction.AutoReject), new(2 * Hour, EscalationAction.Notify)], "Level 1: AutoReject ends the task, so it must be the last level."),
            (name, [new(2 * Hour, EscalationAction.Notify), new(Hour, EscalationAction.AutoReject)], "Level 2: acts before level 1"),
            (name, [new(-Hour, EscalationAction.Notify)], "Level 1: the delay after the due time must be between 0 and 366 days."),
            (name, [new(Hour, EscalationAction.Notify, Group: queue)], "Level 1: only a reassignment names a queue or a person."),
            (name, [new(Hour, EscalationAction.Reassign, Group: admin.Name("nowhere"))], $"Level 1: there is no queue named {admin.Name("nowhere")}."),
            (name, [new(Hour, EscalationAction.Reassign, Assignee: admin.Name("ghost"))], $"Level 1: there is no active user named {admin.Name("ghost")}."),
            (name, [.. Enumerable.Repeat(new EscalationLevel(Hour, EscalationAction.Notify), EscalationChain.MaxLevels + 1)], "A chain has at most 10 levels."),
        ];

        foreach (var (policyName, levels, error) in cases)
        {
            var result = await admin.Policies.CreateAsync(new PolicyDraft(policyName, null, levels), "ada.admin", Cancel);

            Assert.False(result.Succeeded, $"{policyName} with {levels.Length} levels was accepted");
            Assert.Contains(error, result.Message);
        }
        await using var db = admin.Db();
        Assert.False(await db.EscalationPolicies.AnyAsync(p => p.Name == name, Cancel));
        Assert.Empty(await admin.AuditAsync("escalation-policy:" + name));
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task CreateAndEditPolicy_StoresTheChainTheEngineReads_KeepsTheName_AndAuditsBoth(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var leads = admin.Name("leads");
        await admin.Queues.CreateAsync(leads, null, "ada.admin", Cancel);
        var lead = await admin.UserAsync("lead");
        var name = admin.Name("claims-chain");
        EscalationLevel[] chain = [new(TimeSpan.Zero, EscalationAction.Notify), new(24 * Hour, EscalationAction.Reassign, Group: leads), new(48 * Hour, EscalationAction.AutoReject)];

        var created = await admin.Policies.CreateAsync(new PolicyDraft(name, "Claims", chain), "ada.admin", Cancel);

        Assert.True(created.Succeeded, created.Message);
        await using (var db = admin.Db())
        {
            var stored = await db.EscalationPolicies.SingleAsync(p => p.Name == name, Cancel);
            Assert.Equal(chain, EscalationChain.Parse(stored.LevelsJson, name));
        }
        var listed = Assert.Single(await admin.Policies.ListAsync(Cancel), p => p.Name == name);
        Assert.Equal(chain, listed.Levels);

        EscalationLevel[] changed = [new(Hour, EscalationAction.Reassign, Assignee: lead), new(Hour, EscalationAction.Fail)];
        var renamed = await admin.Policies.UpdateAsync(listed.Id, new PolicyDraft(name + "-new", "Claims", changed), "grace.admin", Cancel);
        var invalid = await admin.Policies.UpdateAsync(listed.Id, new PolicyDraft(null, "Claims", [new(Hour, EscalationAction.Fail), new(Hour, EscalationAction.Notify)]), "grace.admin", Cancel);
        var edited = await admin.Policies.UpdateAsync(listed.Id, new PolicyDraft(null, "Claims, faster", changed), "grace.admin", Cancel);

        Assert.Equal((false, $"A policy keeps its name ({name}): gates ask for it by name. Create a new policy instead."), (renamed.Succeeded, renamed.Message));
        Assert.False(invalid.Succeeded);
        Assert.True(edited.Succeeded, edited.Message);
        var after = Assert.Single(await admin.Policies.ListAsync(Cancel), p => p.Name == name);
        Assert.Equal("Claims, faster", after.Description);
        Assert.Equal(changed, after.Levels);
        var audit = await admin.AuditAsync("escalation-policy:" + name);
        Assert.Equal([(AdminAudit.PolicyCreated, "ada.admin"), (AdminAudit.PolicyChanged, "grace.admin")], audit.Select(a => (a.Action, a.Actor)));
        Assert.Contains("Claims, faster", audit[1].DetailsJson);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task DeletePolicy_IsRefusedWhileAnOpenTaskFollowsIt_AndAuditedWhenDone(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var name = admin.Name("reminder");
        await admin.Policies.CreateAsync(new PolicyDraft(name, null, [new(TimeSpan.Zero, EscalationAction.Notify)]), "ada.admin", Cancel);
        var id = (await admin.Policies.ListAsync(Cancel)).Single(p => p.Name == name).Id;
        var task = await admin.TaskAsync("follows the policy", null, HumanTaskStatus.Open, id);
        Assert.Equal(1, (await admin.Policies.ListAsync(Cancel)).Single(p => p.Id == id).OpenTasks);

        var refused = await admin.Policies.DeleteAsync(id, "ada.admin", Cancel);

        Assert.Equal((false, $"{name} cannot be deleted while 1 open task follows it."), (refused.Succeeded, refused.Message));
        Assert.Contains(await admin.Policies.ListAsync(Cancel), p => p.Id == id);
        await using (var db = admin.Db())
        {
            await db.HumanTasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, HumanTaskStatus.Cancelled), Cancel);
        }

        var deleted = await admin.Policies.DeleteAsync(id, "ada.admin", Cancel);

        Assert.True(deleted.Succeeded, deleted.Message);
        Assert.DoesNotContain(await admin.Policies.ListAsync(Cancel), p => p.Id == id);
        Assert.Equal(AdminAudit.PolicyDeleted, (await admin.AuditAsync("escalation-policy:" + name))[^1].Action);
    }

    [Theory]
    [MemberData(nameof(Providers.Runnable), MemberType = typeof(Providers))]
    public async Task StoredChainsTheEngineCannotFollow_AreListedWithTheReason(DatabaseProvider provider)
    {
        using var admin = new AdminServices(await databases.GetAsync(provider));
        var malformed = admin.Name("malformed");
        var unordered = admin.Name("unordered");
        await using (var db = admin.Db())
        {
            db.EscalationPolicies.Add(new EscalationPolicy { Id = Guid.CreateVersion7(), Name = malformed, LevelsJson = "[{\"after\":\"soon\"}]", CreatedAt = DateTime.UtcNow });
            db.EscalationPolicies.Add(new EscalationPolicy
            {
                Id = Guid.CreateVersion7(), Name = unordered, CreatedAt = DateTime.UtcNow,
                LevelsJson = EscalationChain.Serialize([new(2 * Hour, EscalationAction.Notify), new(Hour, EscalationAction.Notify)]),
            });
            await db.SaveChangesAsync(Cancel);
        }

        var listed = await admin.Policies.ListAsync(Cancel);

        Assert.StartsWith($"The escalation chain of policy '{malformed}' is not valid", listed.Single(p => p.Name == malformed).Problem);
        Assert.Equal("Level 2: acts before level 1; each delay must be at least the one before it.", listed.Single(p => p.Name == unordered).Problem);
        Assert.Equal(2, listed.Single(p => p.Name == unordered).Levels.Count);
    }
}
