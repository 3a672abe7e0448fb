namespace ApprovalPortal.Engine.Storage;

internal enum CommitStatus
{
    /// <summary>On disk.</summary>
    Committed,

    /// <summary>A guard found the rows changed since they were read; nothing of this commit was written.</summary>
    Conflict,

    /// <summary>It could not be written now (a lost connection, a lock wait, the engine stopping); nothing of it was written.</summary>
    Failed,

    /// <summary>The database refused its values for good (a value it cannot store, a constraint): the same commit fails
    /// again. Nothing of it was written.</summary>
    Refused,
}

internal readonly record struct CommitResult(CommitStatus Status, Exception? Error = null, string? Reference = null)
{
    /// <summary>What a caller may be told of a failed commit: never the database's text (it names tables, columns and
    /// values), only the reference under which the committer logged the failure.</summary>
    public string FailureText(string what) =>
        $"{what} could not be stored{(Reference is null ? "" : $" (reference {Reference})")}; try again, or quote the reference to an administrator.";

    /// <summary>A reference for one logged failure.</summary>
    public static string NewReference() => Guid.NewGuid().ToString("N")[..12];

    public static readonly CommitResult Committed = new(CommitStatus.Committed);

    public static readonly CommitResult Conflict = new(CommitStatus.Conflict);

    public bool IsCommitted => Status == CommitStatus.Committed;
}

/// <summary>The engine stopped before a commit was stored (or while it was, and whether it took is unknown).</summary>
internal sealed class EngineStoppingException(string message) : Exception(message);

/// <summary>Statements that commit together or not at all, and who waits for the answer.</summary>
internal sealed class CommitRequest(IReadOnlyList<SqlStatement> statements)
{
    public IReadOnlyList<SqlStatement> Statements { get; } = statements;

    public TaskCompletionSource<CommitResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
