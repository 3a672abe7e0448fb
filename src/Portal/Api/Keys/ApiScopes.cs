namespace ApprovalPortal.Portal.Api.Keys;

/// <summary>What an API key may do; a key carries any of them (space-separated in ApiClient.Scopes).</summary>
public static class ApiScopes
{
    /// <summary>The claim type a scope travels in.</summary>
    public const string ClaimType = "scope";

    /// <summary>Ask for approval: create tasks.</summary>
    public const string TasksWrite = "tasks:write";

    /// <summary>Decide tasks on a reviewer's behalf, and read every task (not only the key's own).</summary>
    public const string TasksDecide = "tasks:decide";

    /// <summary>Start, signal, pause, resume and cancel workflows (any instance).</summary>
    public const string WorkflowsWrite = "workflows:write";

    /// <summary>Read tasks and decisions, and any workflow instance with its events.</summary>
    public const string Read = "read";

    /// <summary>Every scope, in the order forms list them.</summary>
    public static readonly IReadOnlyList<string> All = [TasksWrite, TasksDecide, WorkflowsWrite, Read];

    /// <summary>The authorization policy that requires <paramref name="scope"/> on an API key.</summary>
    public static string Policy(string scope) => "api:" + scope;

    /// <summary>The known scopes in <paramref name="scopes"/> (space-separated), de-duplicated, in canonical order.</summary>
    public static IReadOnlyList<string> Parse(string? scopes)
    {
        var given = (scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return All.Where(s => given.Contains(s, StringComparer.Ordinal)).ToList();
    }
}
