using Microsoft.AspNetCore.Diagnostics;

namespace ApprovalPortal.Portal.Api;

/// <summary>Every error of the API is problem+json (RFC 9457).</summary>
internal static partial class ApiProblems
{
    /// <summary>The answer to a request that failed unexpectedly: a 500 that names a correlation id, under which the
    /// exception is logged. Its text (a database's message names tables, columns and values) never reaches the client.</summary>
    public static async Task UnexpectedAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var correlationId = context.TraceIdentifier;
        LogUnexpected(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ApprovalPortal.Api"), error,
            context.Request.Method, context.Request.Path, correlationId);
        await WriteAsync(context, StatusCodes.Status500InternalServerError, "Unexpected error",
            $"The request could not be completed. Nothing is reported here of why; quote the correlation id {correlationId} to an administrator.",
            new Dictionary<string, object?> { ["correlationId"] = correlationId });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed (correlation id {CorrelationId})")]
    private static partial void LogUnexpected(ILogger logger, Exception? exception, string method, string path, string correlationId);

    /// <summary>Declares the problems an endpoint answers: those of every API endpoint (401 without a valid key, 403 without
    /// the scope, 429 over the rate limit) and <paramref name="statuses"/>.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses.Concat([StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests]).Order())
        {
            endpoint.ProducesProblem(status);
        }
        return endpoint;
    }

    public static Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: status, title: title, extensions: extensions).ExecuteAsync(context);

    public static IResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);

    public static IResult Validation(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult NotFound(string what) => Problem(StatusCodes.Status404NotFound, "Not found", $"There is no {what} with this id for this API key.");
}
