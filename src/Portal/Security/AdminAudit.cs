using System.Text.Json;
using ApprovalPortal.Data.Audit;

namespace ApprovalPortal.Portal.Security;

/// <summary>The audit rows of admins' changes to users, queues and escalation policies: who, what, on what, and the details.</summary>
public static class AdminAudit
{
    /// <summary>A user was added.</summary>
    public const string UserAdded = "user.added";
    /// <summary>A user was activated.</summary>
    public const string UserActivated = "user.activated";
    /// <summary>A user was deactivated.</summary>
    public const string UserDeactivated = "user.deactivated";
    /// <summary>A role was given.</summary>
    public const string RoleAdded = "role.added";
    /// <summary>A role was taken away.</summary>
    public const string RoleRemoved = "role.removed";
    /// <summary>A user joined a queue.</summary>
    public const string MemberAdded = "queue.member-added";
    /// <summary>A user left a queue.</summary>
    public const string MemberRemoved = "queue.member-removed";
    /// <summary>A queue was created.</summary>
    public const string QueueCreated = "queue.created";
    /// <summary>A queue's description changed.</summary>
    public const string QueueDescribed = "queue.described";
    /// <summary>A queue was deleted.</summary>
    public const string QueueDeleted = "queue.deleted";
    /// <summary>An escalation policy was created.</summary>
    public const string PolicyCreated = "escalation-policy.created";
    /// <summary>An escalation policy was changed.</summary>
    public const string PolicyChanged = "escalation-policy.changed";
    /// <summary>An escalation policy was deleted.</summary>
    public const string PolicyDeleted = "escalation-policy.deleted";
    /// <summary>A model's price was set.</summary>
    public const string ModelPriceSet = "model-price.set";
    /// <summary>A model's price set by an admin was removed (the settings' price applies again).</summary>
    public const string ModelPriceReset = "model-price.reset";

    /// <summary>The row for one change.</summary>
    public static AuditEntry Entry(string admin, string action, string subject, object details, DateTime at) => new()
    {
        At = at,
        Actor = admin,
        Action = action,
        Subject = subject,
        DetailsJson = JsonSerializer.Serialize(details),
    };
}
