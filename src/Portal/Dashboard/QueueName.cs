namespace ApprovalPortal.Portal.Dashboard;

/// <summary>A task's queue as the dashboard groups it: its candidate group, or, for tasks given to a person
/// without a group, one row of their own (stored as the empty name: no group can be called that).</summary>
public static class QueueName
{
    /// <summary>How the row of tasks assigned to people without a group is labelled.</summary>
    public const string AssignedDirectly = "(assigned to a person)";

    public static string Display(string queue) => queue.Length == 0 ? AssignedDirectly : queue;
}
