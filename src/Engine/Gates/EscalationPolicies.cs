using ApprovalPortal.Data;
using ApprovalPortal.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Engine.Gates;

/// <summary>Finds a gate's escalation chain: declared with the gate, or an admin-managed policy by name. Either is
/// checked by <see cref="EscalationChain.Problems"/> before a task takes it.</summary>
internal sealed class EscalationPolicies(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<ResolvedEscalation?> ResolveAsync(GateRequest gate, CancellationToken cancellationToken)
    {
        if (gate.Escalation is { } levels)
        {
            return new ResolvedEscalation(null, EscalationChain.Checked(levels, $"gate '{gate.Title}'"));
        }
        if (gate.EscalationPolicy is not { } name)
        {
            return null;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var policy = await db.EscalationPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken)
            ?? throw new InvalidOperationException($"The escalation policy '{name}' does not exist; create it in Admin or declare the chain with the gate.");
        return new ResolvedEscalation(policy.Id, EscalationChain.Checked(EscalationChain.Parse(policy.LevelsJson, name), $"policy '{name}'"));
    }
}
