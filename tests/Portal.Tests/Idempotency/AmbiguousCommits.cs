using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using ApprovalPortal.Data;
using ApprovalPortal.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Idempotency;

/// <summary>A test seam on the engine's writer connections: once armed, the next transaction that inserted into the
/// table named is committed on the server and then reported to the writer as a lost connection (the connection is closed
/// and COMMIT throws), so the caller cannot know whether it took. This is the ambiguous commit a network failure during
/// COMMIT gives.</summary>
public sealed class AmbiguousCommits
{
    private int _armed;
    private volatile string? _table;

    /// <summary>How many commits were made and then reported lost.</summary>
    public int Injected { get; private set; }

    /// <summary>The next transaction that inserts into <paramref name="table"/> is committed and then reported lost.</summary>
    public void Arm(string table)
    {
        _table = $"INSERT INTO \"{table}\"";
        Interlocked.Exchange(ref _armed, 1);
    }

    /// <summary>Puts the seam around the engine's own dialect.</summary>
    public void Install(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.AddSingleton<SqlDialect>(sp => new Dialect(SqlDialect.For(sp.GetRequiredService<PortalConnection>()), this));
    }

    private bool TakeShot()
    {
        if (Interlocked.Exchange(ref _armed, 0) != 1)
        {
            return false;
        }
        Injected++;
        return true;
    }

    private sealed class Dialect(SqlDialect inner, AmbiguousCommits seam) : SqlDialect(inner.ConnectionString)
    {
        public override DbConnection CreateConnection() => new Connection(inner.CreateConnection(), seam);

        public override Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => inner.PrepareAsync(connection, cancellationToken);

        public override string Savepoint => inner.Savepoint;

        public override string RollbackToSavepoint => inner.RollbackToSavepoint;

        public override string? ReleaseSavepoint => inner.ReleaseSavepoint;

        public override string ClaimSql => inner.ClaimSql;

        public override void Bind(DbParameter parameter, SqlValue value) => inner.Bind(parameter, value);

        public override bool RefusesForGood(DbException error) => inner.RefusesForGood(error);
    }

    private sealed class Connection(DbConnection inner, AmbiguousCommits seam) : DbConnection
    {
        public DbConnection Inner => inner;

        [AllowNull]
        public override string ConnectionString { get => inner.ConnectionString; set => inner.ConnectionString = value; }

        public override string Database => inner.Database;

        public override string DataSource => inner.DataSource;

        public override string ServerVersion => inner.ServerVersion;

        public override ConnectionState State => inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

        public override void Close() => inner.Close();

        public override void Open() => inner.Open();

        public override Task OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new Transaction(inner.BeginTransaction(isolationLevel), this, seam);

        protected override DbCommand CreateDbCommand() => new Command(inner.CreateCommand(), this, seam);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    private sealed class Transaction(DbTransaction inner, Connection connection, AmbiguousCommits seam) : DbTransaction
    {
        public DbTransaction Inner => inner;

        /// <summary>Whether it inserted into the armed table.</summary>
        public bool Inserted { get; set; }

        public override IsolationLevel IsolationLevel => inner.IsolationLevel;

        protected override DbConnection DbConnection => connection;

        public override void Commit() => CommitAsync().GetAwaiter().GetResult();

        public override async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            await inner.CommitAsync(cancellationToken);
            if (Inserted && seam.TakeShot())
            {
                await connection.Inner.CloseAsync();
                throw new IOException("The connection was lost while waiting for the answer to COMMIT (injected by the test).");
            }
        }

        public override void Rollback() => inner.Rollback();

        public override Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    private sealed class Command(DbCommand inner, Connection connection, AmbiguousCommits seam) : DbCommand
    {
        private Transaction? _transaction;

        [AllowNull]
        public override string CommandText { get => inner.CommandText; set => inner.CommandText = value; }

        public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }

        public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }

        public override UpdateRowSource UpdatedRowSource { get => inner.UpdatedRowSource; set => inner.UpdatedRowSource = value; }

        public override bool DesignTimeVisible { get => inner.DesignTimeVisible; set => inner.DesignTimeVisible = value; }

        protected override DbConnection? DbConnection { get => connection; set => throw new NotSupportedException(); }

        protected override DbParameterCollection DbParameterCollection => inner.Parameters;

        protected override DbTransaction? DbTransaction
        {
            get => _transaction;
            set
            {
                _transaction = (Transaction?)value;
                inner.Transaction = _transaction?.Inner;
            }
        }

        public override void Cancel() => inner.Cancel();

        public override int ExecuteNonQuery() => ExecuteNonQueryAsync().GetAwaiter().GetResult();

        public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
        {
            var rows = await inner.ExecuteNonQueryAsync(cancellationToken);
            if (_transaction is not null && seam._table is { } insert && inner.CommandText.Contains(insert, StringComparison.Ordinal))
            {
                _transaction.Inserted = true;
            }
            return rows;
        }

        public override object? ExecuteScalar() => inner.ExecuteScalar();

        public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => inner.ExecuteScalarAsync(cancellationToken);

        public override void Prepare() => inner.Prepare();

        protected override DbParameter CreateDbParameter() => inner.CreateParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => inner.ExecuteReader(behavior);

        protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
            inner.ExecuteReaderAsync(behavior, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
