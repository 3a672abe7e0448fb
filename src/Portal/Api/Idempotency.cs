using ApprovalPortal.Data;
using ApprovalPortal.Data.Integrations;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Api;

/// <summary>POSTs with an <c>Idempotency-Key</c>: the first successful answer is stored per client (for
/// <see cref="Keep"/>) and replayed for a repeat with the same body; a repeat with another body, or while the first is
/// still running, is a 409. Refused requests store nothing, so they can be corrected and sent again with the same key.</summary>
internal sealed class Idempotency(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Keep = TimeSpan.FromHours(24);
    private const int MaxKeyLength = 200;
    private const int Running = 0;

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
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        var caller = ApiCaller.Of(http.User);
        var hash = ApiBody.CanonicalHash(bytes!);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(http.RequestAborted);
        await db.IdempotencyRecords.Where(r => r.ApiClientId == caller.ClientId && r.Key == key && r.ExpiresAt <= now)
            .ExecuteDeleteAsync(http.RequestAborted);
        var record = new IdempotencyRecord
        {
            ApiClientId = caller.ClientId, Key = key, RequestHash = hash, StatusCode = Running, CreatedAt = now, ExpiresAt = now + Keep,
        };
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            return await ReplayAsync(caller.ClientId, key, hash, http);
        }

        object? result;
        try
        {
            result = await next(invocation);
        }
        catch
        {
            await ForgetAsync(record.Id);
            throw;
        }
        if (result is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success)
        {
            record.StatusCode = success.StatusCode!.Value;
            // Kept as a JSON string holding the exact body: a jsonb column (PostgreSQL) would reorder and reformat an
            // object, and a replay must be the same bytes as the first answer.
            record.ResponseJson = result is IValueHttpResult { Value: { } value }
                ? System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), ApiJson.Options))
                : null;
            record.Location = (result as IResult) switch
            {
                Microsoft.AspNetCore.Http.HttpResults.Created<Tasks.TaskView> created => created.Location,
                Microsoft.AspNetCore.Http.HttpResults.Created<Workflows.WorkflowView> started => started.Location,
                Microsoft.AspNetCore.Http.HttpResults.Accepted<Workflows.SignalAccepted> accepted => accepted.Location,
                _ => null,
            };
            await db.SaveChangesAsync(CancellationToken.None);
        }
        else
        {
            await ForgetAsync(record.Id);
        }
        return result;
    }

    private async Task<IResult> ReplayAsync(Guid clientId, string key, string hash, HttpContext http)
    {
        await using var db = await contexts.CreateDbContextAsync(http.RequestAborted);
        var first = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.ApiClientId == clientId && r.Key == key, http.RequestAborted);
        if (first is null || first.StatusCode == Running)
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "Request in progress",
                $"A request with this {Header} is still being processed; send it again in a moment.");
        }
        if (!string.Equals(first.RequestHash, hash, StringComparison.Ordinal))
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "Idempotency key reused",
                $"This {Header} was used for a request with another body; use a new key for a new request.");
        }
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (first.Location is not null)
        {
            http.Response.Headers.Location = first.Location;
        }
        return first.ResponseJson is null
            ? Results.StatusCode(first.StatusCode)
            : Results.Content(System.Text.Json.JsonSerializer.Deserialize<string>(first.ResponseJson), "application/json", System.Text.Encoding.UTF8,
                first.StatusCode);
    }

    private async Task ForgetAsync(long id)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await db.IdempotencyRecords.Where(r => r.Id == id).ExecuteDeleteAsync();
    }
}
