using System.Text.Json;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Portal.Api.Keys;
using ApprovalPortal.Portal.Retention;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ApprovalPortal.Portal.Api;

/// <summary>POSTs with an <c>Idempotency-Key</c>. The endpoint hands the key to its engine command as an
/// <see cref="IdempotencyClaim"/>, and the command writes the key's record (status, the resource it made or acted on) in
/// the same commit as its effect: a crash or a lost connection at any moment leaves either both or neither. A repeat
/// with the same body gets the first answer (its stored body, or one rebuilt from the resource when the process died
/// before the body was stored); a repeat with another body is a 409. A concurrent repeat loses on the record's unique
/// key, its effect discarded, and is answered as a replay. Refused requests store nothing, so they can be corrected and
/// sent again with the same key. Requests without the header cost nothing more.</summary>
internal sealed partial class Idempotency(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, IOptions<RetentionOptions> retention,
    ILogger<Idempotency> logger) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    /// <summary>The claim of the request's key, for the endpoint to pass to its command; null without the header.</summary>
    public static IdempotencyClaim? ClaimOf(HttpContext http) => http.Items[typeof(IdempotencyClaim)] as IdempotencyClaim;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            return await next(invocation);
        }
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            return ApiProblems.Validation(Header, $"One key of 1 to {MaxKeyLength} printable characters.");
        }
        var endpoint = http.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpoint>()
            ?? throw new InvalidOperationException("An idempotent endpoint is mapped with Idempotent(...).");
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var caller = ApiCaller.Of(http.User);
        var hash = ApiBody.CanonicalHash(bytes!);
        if (await FindAsync(caller.ClientId, key, http.RequestAborted) is { } first)
        {
            return await ReplayAsync(first, hash, endpoint, http);
        }
        var claim = new IdempotencyClaim(caller.ClientId, key, hash, endpoint.StatusCode, clock.GetUtcNow().UtcDateTime + retention.Value.IdempotencyKeys);
        http.Items[typeof(IdempotencyClaim)] = claim;

        object? result;
        try
        {
            result = await next(invocation);
        }
        catch (Exception)
        {
            // The commit may have been made although the engine could not know (the connection failed during COMMIT):
            // then the record is there and says what was done.
            if (await FindAsync(caller.ClientId, key, CancellationToken.None) is { } committed)
            {
                return await ReplayAsync(committed, hash, endpoint, http);
            }
            throw;
        }
        if (result is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 })
        {
            await StoreAnswerAsync(caller.ClientId, key, result);
            return result;
        }
        // A refusal after a concurrent repeat committed first (its key won in the database), or after a commit whose
        // outcome the engine could not know: answered as that commit's replay.
        return await FindAsync(caller.ClientId, key, CancellationToken.None) is { } winner ? await ReplayAsync(winner, hash, endpoint, http) : result;
    }

    private async Task<IdempotencyRecord?> FindAsync(Guid clientId, string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.IdempotencyRecords.AsNoTracking()
            .SingleOrDefaultAsync(r => r.ApiClientId == clientId && r.Key == key && r.ExpiresAt > now, cancellationToken);
    }

    /// <summary>Keeps the exact body of the first answer for replays. Only an optimisation: without it a replay is rebuilt
    /// from the resource the record names, so a failure here is logged and the answer still goes out.</summary>
    private async Task StoreAnswerAsync(Guid clientId, string key, object? result)
    {
        // Kept as a JSON string holding the exact body: a jsonb column (PostgreSQL) would reorder and reformat an
        // object, and a replay must be the same bytes as the first answer.
        var body = result is IValueHttpResult { Value: { } value }
            ? JsonSerializer.Serialize(JsonSerializer.Serialize(value, value.GetType(), ApiJson.Options))
            : null;
        var location = LocationOf(result);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            await db.IdempotencyRecords.Where(r => r.ApiClientId == clientId && r.Key == key && r.ResponseJson == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ResponseJson, body).SetProperty(r => r.Location, location), CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            LogAnswerNotStored(ex);
        }
    }

    private static string? LocationOf(object? result) => result switch
    {
        Created<Tasks.TaskView> created => created.Location,
        Created<Workflows.WorkflowView> started => started.Location,
        Accepted<Workflows.SignalAccepted> accepted => accepted.Location,
        _ => null,
    };

    private async Task<IResult> ReplayAsync(IdempotencyRecord first, string hash, IdempotentEndpoint endpoint, HttpContext http)
    {
        if (!string.Equals(first.RequestHash, hash, StringComparison.Ordinal))
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "Idempotency key reused",
                $"This {Header} was used for a request with another body; use a new key for a new request.");
        }
        http.Response.Headers[ReplayedHeader] = "true";
        if (first.ResponseJson is not null)
        {
            if (first.Location is not null)
            {
                http.Response.Headers.Location = first.Location;
            }
            return Results.Content(JsonSerializer.Deserialize<string>(first.ResponseJson), "application/json", System.Text.Encoding.UTF8, first.StatusCode);
        }
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var rebuilt = first.ResourceId is { } id ? await endpoint.Rebuild(new IdempotentReplay(http, id, db, CancellationToken.None)) : null;
        if (rebuilt is not null && LocationOf(rebuilt) is { } location)
        {
            http.Response.Headers.Location = location;
        }
        return rebuilt ?? Results.StatusCode(first.StatusCode);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The first answer of an idempotent request could not be stored; a repeat rebuilds it from the resource")]
    private partial void LogAnswerNotStored(Exception exception);
}

/// <summary>What a replay of an idempotent endpoint works from: the resource the first request made or acted on.</summary>
internal sealed record IdempotentReplay(HttpContext Http, Guid ResourceId, PortalDbContext Db, CancellationToken Cancellation);

/// <summary>An endpoint's idempotency: the status of its answer, and how to answer again from the resource alone (null
/// when the resource is gone).</summary>
internal sealed record IdempotentEndpoint(int StatusCode, Func<IdempotentReplay, Task<IResult?>> Rebuild);

internal static class IdempotentEndpoints
{
    /// <summary>Makes the endpoint idempotent with <c>Idempotency-Key</c>; its handler passes <see cref="Idempotency.ClaimOf"/>
    /// to its engine command.</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder endpoint, int statusCode, Func<IdempotentReplay, Task<IResult?>> rebuild) =>
        endpoint.AddEndpointFilter<Idempotency>().WithMetadata(new IdempotentEndpoint(statusCode, rebuild));
}
