using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalPortal.Engine.Storage;

/// <summary>
/// The engine's only writer of workflow state: one connection drains every queued commit into one
/// transaction (group commit), so one fsync serves all steps that finished together. Each commit keeps
/// its own guards inside a savepoint, so a failed version check discards that commit only. Callers are
/// answered after the transaction is durable, never before.
/// </summary>
internal sealed partial class GroupCommitter(SqlDialect dialect, EngineDiagnostics diagnostics, ILogger<GroupCommitter> logger)
    : BackgroundService
{
    private const int MaxGroup = 256;

    /// <summary>How long commits queued before a stop may still take to be stored.</summary>
    internal static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Channel<CommitRequest> _queue = Channel.CreateUnbounded<CommitRequest>(new() { SingleReader = true });
    private readonly Dictionary<string, DbCommand> _prepared = new(StringComparer.Ordinal);
    private DbConnection? _connection;
    private bool _releasePending;

    public Task<CommitResult> CommitAsync(IReadOnlyList<SqlStatement> statements)
    {
        var request = new CommitRequest(statements);
        if (!_queue.Writer.TryWrite(request))
        {
            request.Done.SetResult(new CommitResult(CommitStatus.Failed, new EngineStoppingException("The engine is stopping; the change was not stored.")));
        }
        return request.Done.Task;
    }

    /// <summary>Commits group after group. Once the host stops, no new commit is taken, what was queued before is still
    /// committed for up to <see cref="StopGrace"/>, and every caller is answered: with the outcome, or, past the grace,
    /// with a failure that says whether the commit was cut short before or during its COMMIT.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<CommitRequest>(MaxGroup);
        // The group in flight is never cut by the stop itself (its callers would not learn whether it took), only by the grace's end.
        using var graceOver = new CancellationTokenSource();
        using var afterStop = stoppingToken.Register(() => graceOver.CancelAfter(StopGrace));
        try
        {
            while (!graceOver.IsCancellationRequested)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    _queue.Writer.TryComplete();
                }
                if (!_queue.Reader.TryPeek(out _))
                {
                    if (stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                    try
                    {
                        if (!await _queue.Reader.WaitToReadAsync(stoppingToken))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        continue;
                    }
                }
                group.Clear();
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var request))
                {
                    group.Add(request);
                }
                await CommitGroupAsync(group, graceOver.Token);
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetResult(new CommitResult(CommitStatus.Failed, new EngineStoppingException("The engine stopped before this change was stored.")));
            }
            await ResetConnectionAsync();
        }
    }

    private async Task CommitGroupAsync(List<CommitRequest> group, CancellationToken cancellationToken)
    {
        var results = new CommitResult[group.Count];
        var started = Stopwatch.GetTimestamp();
        var committing = false;
        try
        {
            var connection = await ConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            _releasePending = false;
            for (var i = 0; i < group.Count; i++)
            {
                results[i] = await ApplyAsync(connection, transaction, group[i].Statements, cancellationToken);
            }
            diagnostics.GroupCommitting(group.Count);
            committing = true;
            await transaction.CommitAsync(cancellationToken);
            diagnostics.GroupCommitted(group.Count, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogGroupAbandoned(group.Count, StopGrace);
            await ResetConnectionAsync();
            var stopped = new EngineStoppingException(committing
                ? "The engine stopped while this change was being stored; whether it was stored is not known."
                : "The engine stopped before this change was stored.");
            Array.Fill(results, new CommitResult(CommitStatus.Failed, stopped));
        }
        catch (Exception ex)
        {
            var reference = CommitResult.NewReference();
            if (committing)
            {
                // The connection failed during COMMIT: the server may have stored the group, so "nothing was written"
                // would be a lie; callers retry through their version checks and idempotency records.
                LogGroupCommitUnknown(ex, group.Count, reference);
            }
            else
            {
                LogGroupFailed(ex, group.Count, reference);
            }
            await ResetConnectionAsync();
            Array.Fill(results, new CommitResult(CommitStatus.Failed, ex, reference));
        }
        for (var i = 0; i < group.Count; i++)
        {
            group[i].Done.TrySetResult(results[i]);
        }
    }

    /// <summary>One commit inside the group's transaction, inside a savepoint of its own. The savepoint is
    /// opened in the same round trip as the statements, and a successful one is released at the start of the
    /// next commit's round trip (or by the group's COMMIT), so a commit costs one round trip.</summary>
    private async Task<CommitResult> ApplyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken)
    {
        var prefix = _releasePending && dialect.ReleaseSavepoint is { } release ? new[] { release, dialect.Savepoint } : [dialect.Savepoint];
        _releasePending = false;
        CommitResult result;
        try
        {
            result = await ApplyStatementsAsync(connection, transaction, prefix, statements, cancellationToken);
        }
        catch (DbException ex)
        {
            var reference = CommitResult.NewReference();
            LogCommitFailed(ex, reference);
            result = new CommitResult(dialect.RefusesForGood(ex) ? CommitStatus.Refused : CommitStatus.Failed, ex, reference);
        }
        if (result.IsCommitted)
        {
            _releasePending = true;
            return result;
        }
        await ExecuteAsync(connection, transaction, dialect.RollbackToSavepoint, cancellationToken);
        if (dialect.ReleaseSavepoint is { } rolledBack)
        {
            await ExecuteAsync(connection, transaction, rolledBack, cancellationToken);
        }
        return result;
    }

    private async Task<CommitResult> ApplyStatementsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> prefix,
        IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken)
    {
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var sql in prefix)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = sql;
                batch.BatchCommands.Add(command);
            }
            foreach (var statement in statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                Bind(command.Parameters, () => command.CreateParameter(), statement);
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            for (var i = 0; i < statements.Count; i++)
            {
                if (statements[i].ExpectRows is { } expected && batch.BatchCommands[prefix.Count + i].RecordsAffected != expected)
                {
                    return CommitResult.Conflict;
                }
            }
            return CommitResult.Committed;
        }
        foreach (var sql in prefix)
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
        }
        foreach (var statement in statements)
        {
            var rows = await Prepared(connection, transaction, statement).ExecuteNonQueryAsync(cancellationToken);
            if (statement.ExpectRows is { } expected && rows != expected)
            {
                return CommitResult.Conflict;
            }
        }
        return CommitResult.Committed;
    }

    private void Bind(DbParameterCollection parameters, Func<DbParameter> create, SqlStatement statement)
    {
        foreach (var (name, value) in statement.Parameters)
        {
            var parameter = create();
            parameter.ParameterName = name;
            dialect.Bind(parameter, value);
            parameters.Add(parameter);
        }
    }

    private async Task<DbConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return _connection;
        }
        _connection = dialect.CreateConnection();
        await _connection.OpenAsync(cancellationToken);
        await dialect.PrepareAsync(_connection, cancellationToken);
        return _connection;
    }

    private async Task ResetConnectionAsync()
    {
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync();
        }
        _prepared.Clear();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    private Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken) =>
        Prepared(connection, transaction, new SqlStatement(sql, [])).ExecuteNonQueryAsync(cancellationToken);

    /// <summary>The writer's statements are few and repeated: each is prepared once per connection and reused with
    /// new values (SQLite would otherwise compile every statement of every commit again).</summary>
    private DbCommand Prepared(DbConnection connection, DbTransaction transaction, SqlStatement statement)
    {
        if (!_prepared.TryGetValue(statement.Sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = statement.Sql;
            foreach (var (name, _) in statement.Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            _prepared[statement.Sql] = command;
        }
        command.Transaction = transaction;
        foreach (var (name, value) in statement.Parameters)
        {
            dialect.Bind(command.Parameters[name], value);
        }
        return command;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine stopped with a group commit of {Count} step(s) unfinished after {Grace}; each of them is reported failed")]
    private partial void LogGroupAbandoned(int count, TimeSpan grace);

    [LoggerMessage(Level = LogLevel.Error, Message = "A group commit of {Count} step(s) failed; each of them is reported failed and nothing of it was written (reference {Reference})")]
    private partial void LogGroupFailed(Exception exception, int count, string reference);

    [LoggerMessage(Level = LogLevel.Error, Message = "The COMMIT of a group of {Count} step(s) failed; whether the database stored it is not known, and each of them is reported failed (reference {Reference})")]
    private partial void LogGroupCommitUnknown(Exception exception, int count, string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused one commit of a group; nothing of it was written (reference {Reference})")]
    private partial void LogCommitFailed(Exception exception, string reference);
}
