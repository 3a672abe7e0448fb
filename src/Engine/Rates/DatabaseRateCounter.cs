using System.Collections.Concurrent;
using System.Data.Common;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Storage;

namespace ApprovalPortal.Engine.Rates;

/// <summary>Fixed one-minute windows in the RateWindows table, one row per resource and minute. A take is one statement
/// (an upsert whose update, or insert, only happens while the window stays within the limits), so two nodes counting at
/// once cannot both take the last call. A fixed window lets up to twice the rate through around a minute's edge; the
/// providers' own limits are the backstop for that.</summary>
internal sealed class DatabaseRateCounter(SqlDialect dialect, DatabaseProvider provider, TimeProvider clock) : IRateCounter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(10);

    // The last window each resource was counted in on this node: a new one is the moment to delete old rows.
    private readonly ConcurrentDictionary<string, DateTime> _lastWindow = new(StringComparer.Ordinal);

    public async Task<RateGrant> TryTakeAsync(string resource, RateLimit limit, long tokens, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var window = new DateTime(now.Ticks - now.Ticks % Window.Ticks, DateTimeKind.Utc);
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await dialect.PrepareAsync(connection, cancellationToken);
        if (_lastWindow.TryGetValue(resource, out var last) ? last != window : true)
        {
            _lastWindow[resource] = window;
            await ExecuteAsync(connection, """DELETE FROM "RateWindows" WHERE "Resource" = @resource AND "WindowStart" < @old""",
                [("resource", SqlValue.Text(resource)), ("old", SqlValue.Time(window - Kept))], cancellationToken);
        }
        var taken = await ExecuteAsync(connection, TakeSql,
        [
            ("resource", SqlValue.Text(resource)), ("window", SqlValue.Time(window)), ("tokens", SqlValue.Int(tokens)),
            ("maxRequests", SqlValue.Int(limit.RequestsPerMinute ?? long.MaxValue / 2)), ("maxTokens", SqlValue.Int(limit.TokensPerMinute ?? long.MaxValue / 2)),
        ], cancellationToken);
        return new RateGrant(taken == 1, window, new DateTimeOffset(window + Window));
    }

    public async Task AddTokensAsync(string resource, DateTime window, long tokens, CancellationToken cancellationToken)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await dialect.PrepareAsync(connection, cancellationToken);
        await ExecuteAsync(connection, """
            UPDATE "RateWindows" SET "Tokens" = "Tokens" + @tokens WHERE "Resource" = @resource AND "WindowStart" = @window
            """, [("resource", SqlValue.Text(resource)), ("window", SqlValue.Time(window)), ("tokens", SqlValue.Int(tokens))], cancellationToken);
    }

    private string TakeSql => provider == DatabaseProvider.SqlServer
        ? """
          MERGE "RateWindows" WITH (HOLDLOCK) AS w
          USING (SELECT @resource AS "Resource", @window AS "WindowStart") AS s ON w."Resource" = s."Resource" AND w."WindowStart" = s."WindowStart"
          WHEN MATCHED AND w."Requests" + 1 <= @maxRequests AND w."Tokens" + @tokens <= @maxTokens
              THEN UPDATE SET "Requests" = w."Requests" + 1, "Tokens" = w."Tokens" + @tokens
          WHEN NOT MATCHED AND 1 <= @maxRequests AND @tokens <= @maxTokens
              THEN INSERT ("Resource", "WindowStart", "Requests", "Tokens") VALUES (@resource, @window, 1, @tokens);
          """
        // SQLite and PostgreSQL share the upsert; the WHERE of the SELECT also settles SQLite's parsing of ON CONFLICT after a SELECT.
        : """
          INSERT INTO "RateWindows" ("Resource", "WindowStart", "Requests", "Tokens")
          SELECT @resource, @window, 1, @tokens WHERE 1 <= @maxRequests AND @tokens <= @maxTokens
          ON CONFLICT ("Resource", "WindowStart") DO UPDATE SET "Requests" = "RateWindows"."Requests" + 1, "Tokens" = "RateWindows"."Tokens" + excluded."Tokens"
          WHERE "RateWindows"."Requests" + 1 <= @maxRequests AND "RateWindows"."Tokens" + excluded."Tokens" <= @maxTokens
          """;

    private async Task<int> ExecuteAsync(DbConnection connection, string sql, IReadOnlyList<(string Name, SqlValue Value)> parameters, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            dialect.Bind(parameter, value);
            command.Parameters.Add(parameter);
        }
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
