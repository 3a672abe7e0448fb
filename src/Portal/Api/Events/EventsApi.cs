using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalPortal.Engine.Triggers;
using ApprovalPortal.Portal.Api.Keys;

namespace ApprovalPortal.Portal.Api.Events;

/// <summary>The answer to a posted event: the instance each subscriber started.</summary>
/// <param name="Event">The event's name.</param>
/// <param name="Key">The event's key: the Idempotency-Key sent, or one made for it. Posting again with the same key starts nothing more.</param>
/// <param name="Started">One entry per subscriber.</param>
public sealed record EventAccepted(string Event, string Key, IReadOnlyList<EventStarted> Started);

/// <summary><c>POST /api/v1/events/{name}</c>: an agent tells the portal that something happened; the workflows subscribed to
/// the event (declared with StartOn) start with its body.</summary>
public static partial class EventsApi
{
    private const int MaxKey = 200;

    /// <summary>Maps <c>/api/v1/events</c>.</summary>
    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        var events = api.MapGroup("/events").WithTags("Events");
        events.MapPost("/{name}", PostAsync)
            .RequireAuthorization(ApiScopes.Policy(ApiScopes.WorkflowsWrite))
            .WithName("PostEvent")
            .WithSummary("Post a named event")
            .WithDescription("Starts every workflow subscribed to the event `name` (letters, digits, dots, dashes, underscores) with the JSON object "
                + "in the body. Send an Idempotency-Key header: a repeat with the same key starts nothing more and answers with the same instances. "
                + "The API key is recorded as the instances' starter, so it cannot decide their gates.")
            .Accepts<JsonElement>("application/json")
            .Produces<EventAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity);
        return events;
    }

    private static async Task<IResult> PostAsync(string name, HttpContext http, EventPosting posting, CancellationToken ct)
    {
        if (!NamePattern().IsMatch(name))
        {
            return ApiProblems.Validation("name", "An event's name: 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit.");
        }
        string? key = null;
        if (http.Request.Headers.TryGetValue(Idempotency.Header, out var values))
        {
            key = values.Count == 1 ? values[0] : null;
            if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKey || key.Any(char.IsControl))
            {
                return ApiProblems.Validation(Idempotency.Header, $"One key of 1 to {MaxKey} printable characters.");
            }
        }
        var (bytes, problem) = await ApiBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }
        if (JsonNul.FindIn(bytes!) is { } nul)
        {
            return ApiProblems.Validation(nul, $"'{nul}' holds a NUL character (\\u0000), which is not accepted anywhere in a request.");
        }
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = ApiJson.MaxDepth });
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return ApiProblems.Validation("$", "The body is not JSON.");
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiProblems.Validation("$", "The body must be a JSON object: the event's data.");
        }
        var caller = ApiCaller.Of(http.User);
        // Keys are per client, as the API's idempotency keys are.
        var eventKey = key is null ? null : $"{caller.ClientId:N}:{key}";
        return await posting.PostAsync(name, body, eventKey, caller.RequestedBy, ct) switch
        {
            EventResult.Posted posted => TypedResults.Accepted((string?)null, new EventAccepted(name, key ?? posted.EventKey, posted.Started)),
            EventResult.NoSubscribers => ApiProblems.Problem(StatusCodes.Status404NotFound, "No subscribers", $"No workflow subscribes to the event '{name}'."),
            EventResult.Refused refused => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Event not accepted",
                $"Nothing was started: {refused.Reason}", new Dictionary<string, object?> { ["subscription"] = refused.Subscription }),
            _ => throw new InvalidOperationException("Unknown result."),
        };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();
}
