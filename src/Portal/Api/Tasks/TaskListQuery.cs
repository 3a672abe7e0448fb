using System.Globalization;
using System.Text;
using ApprovalPortal.Data;
using ApprovalPortal.Data.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Api.Tasks;

/// <summary>The filters and page of <c>GET /api/v1/tasks</c>. The cursor is opaque to clients (today it carries the
/// position in the newest-first order).</summary>
internal sealed record TaskListQuery(HumanTaskStatus? Status, TaskKind? Kind, RiskLevel? Risk, string? CandidateGroup, DateTime? CreatedAfter,
    int Limit, int Offset)
{
    public const int MaxLimit = 200;
    private const int DefaultLimit = 50;
    private const string CursorPrefix = "o:";

    public static (TaskListQuery? Query, Dictionary<string, string[]> Errors) Parse(string? status, string? kind, string? risk, string? candidateGroup,
        string? createdAfter, string? limit, string? cursor, string? offset)
    {
        var errors = new Dictionary<string, string[]>();
        var parsedStatus = Name<HumanTaskStatus>(status, "status", errors);
        var parsedKind = Name<TaskKind>(kind, "kind", errors);
        var parsedRisk = Name<RiskLevel>(risk, "risk", errors);
        if (candidateGroup is { Length: 0 or > CreateTaskValidation.MaxName })
        {
            errors["candidateGroup"] = [$"1 to {CreateTaskValidation.MaxName} characters."];
        }
        DateTime? after = null;
        if (createdAfter is not null)
        {
            if (DateTimeOffset.TryParse(createdAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                after = at.UtcDateTime;
            }
            else
            {
                errors["createdAfter"] = ["An ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z."];
            }
        }
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"A whole number from 1 to {MaxLimit}."];
        }
        var skip = 0;
        if (cursor is not null && offset is not null)
        {
            errors["cursor"] = ["Give cursor or offset, not both."];
        }
        else if (cursor is not null && !TryReadCursor(cursor, out skip))
        {
            errors["cursor"] = ["Not a cursor this API returned."];
        }
        else if (offset is not null && (!int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip > 1_000_000))
        {
            errors["offset"] = ["A whole number from 0 to 1000000."];
        }
        return errors.Count > 0 ? (null, errors) : (new TaskListQuery(parsedStatus, parsedKind, parsedRisk, candidateGroup, after, take, skip), errors);
    }

    public async Task<TaskPage> RunAsync(PortalDbContext db, Guid clientId, CancellationToken ct)
    {
        var tasks = db.HumanTasks.AsNoTracking().Where(t => t.ApiClientId == clientId);
        if (Status is { } status)
        {
            tasks = tasks.Where(t => t.Status == status);
        }
        if (Kind is { } kind)
        {
            tasks = tasks.Where(t => t.Kind == kind);
        }
        if (Risk is { } risk)
        {
            tasks = tasks.Where(t => t.Risk == risk);
        }
        if (CandidateGroup is { } group)
        {
            tasks = tasks.Where(t => t.CandidateGroup == group);
        }
        if (CreatedAfter is { } after)
        {
            tasks = tasks.Where(t => t.CreatedAt > after);
        }
        var rows = await tasks.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Skip(Offset).Take(Limit + 1)
            .Select(t => new TaskSummary(t.Id, t.Kind, t.Status, t.Title, t.Risk, t.Priority, t.Assignee, t.CandidateGroup, t.Outcome, t.DueAt,
                t.CreatedAt, t.DecidedAt))
            .ToListAsync(ct);
        var next = rows.Count > Limit ? WriteCursor(Offset + Limit) : null;
        return new TaskPage(rows.Take(Limit).ToList(), next);
    }

    private static T? Name<T>(string? value, string field, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (value is null)
        {
            return null;
        }
        // Names only (never numbers), compared without case: "decided", "Decided".
        var match = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            errors[field] = [$"One of {string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}."];
            return null;
        }
        return Enum.Parse<T>(match);
    }

    private static string WriteCursor(int offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(CursorPrefix + offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=');

    private static bool TryReadCursor(string cursor, out int offset)
    {
        offset = 0;
        if (cursor.Length > 64)
        {
            return false;
        }
        var padded = cursor.PadRight(cursor.Length + (4 - cursor.Length % 4) % 4, '=');
        var bytes = new byte[48];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return false;
        }
        var text = Encoding.ASCII.GetString(bytes, 0, written);
        return text.StartsWith(CursorPrefix, StringComparison.Ordinal)
            && int.TryParse(text[CursorPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}
