using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Samples.ExpenseClaims;

/// <summary>Creates the escalation policy large claims name ("finance-lead") when it is missing: the
/// managers are reminded when the claim is due, and a day later it moves to the finance leads. Admins
/// may change it afterwards; an existing policy is never overwritten.</summary>
public sealed partial class FinanceLeadPolicy(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, ILogger<FinanceLeadPolicy> logger)
    : IHostedService
{
    public const string FinanceLeadsGroup = "finance-leads";

    public static readonly IReadOnlyList<EscalationLevel> Levels =
    [
        new(TimeSpan.Zero, EscalationAction.Notify),
        new(TimeSpan.FromHours(24), EscalationAction.Reassign, Group: FinanceLeadsGroup),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Start-up goes on (the portal reports an unreachable database on /health/ready); a claim that
            // needs the policy meanwhile fails its gate with the engine's message and can be retried.
            LogNotEnsured(ex, ExpenseClaimWorkflow.EscalationPolicyName);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.EscalationPolicies.AnyAsync(p => p.Name == ExpenseClaimWorkflow.EscalationPolicyName, cancellationToken))
        {
            return;
        }
        db.EscalationPolicies.Add(new EscalationPolicy
        {
            Id = Guid.CreateVersion7(),
            Name = ExpenseClaimWorkflow.EscalationPolicyName,
            Description = "Expense claims above the manager threshold: remind the managers when due, hand over to the finance leads a day later.",
            LevelsJson = EscalationChain.Serialize(Levels),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node may have created it at the same moment (the name is unique); anything else is real.
            if (!await ExistsAsync(cancellationToken))
            {
                throw;
            }
        }
    }

    private async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.EscalationPolicies.AnyAsync(p => p.Name == ExpenseClaimWorkflow.EscalationPolicyName, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The escalation policy {Policy} could not be ensured at start-up")]
    private partial void LogNotEnsured(Exception exception, string policy);
}
