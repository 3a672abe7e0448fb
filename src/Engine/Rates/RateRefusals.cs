using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace ApprovalPortal.Engine.Rates;

/// <summary>Recognises a provider's refusal for rate in what a call threw: the OpenAI client's <see cref="ClientResultException"/>
/// with status 429 (its Retry-After, in seconds or as an HTTP date, or OpenAI's retry-after-ms), an
/// <see cref="HttpRequestException"/> with status 429 (which carries no headers), or a <see cref="RateLimitedException"/>
/// a tool threw itself.</summary>
internal static class RateRefusals
{
    public static RateLimitedException? Recognise(Exception error, string resource, DateTimeOffset now, TimeSpan whenUnsaid) => error switch
    {
        RateLimitedException limited => limited,
        ClientResultException { Status: 429 } refused => new RateLimitedException(resource, Until(refused, now) ?? now + whenUnsaid,
            "the provider answered 429 Too Many Requests", refused),
        HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests } refused => new RateLimitedException(resource, now + whenUnsaid,
            "the provider answered 429 Too Many Requests", refused),
        _ => null,
    };

    /// <summary>The time a Retry-After value names: a number of seconds from <paramref name="now"/>, or an HTTP date.</summary>
    public static DateTimeOffset? RetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value) || !RetryConditionHeaderValue.TryParse(value.Trim(), out var parsed))
        {
            return null;
        }
        return parsed.Delta is { } delta ? now + delta : parsed.Date is { } date ? Latest(date, now) : null;
    }

    private static DateTimeOffset? Until(ClientResultException refused, DateTimeOffset now)
    {
        var headers = refused.GetRawResponse()?.Headers;
        if (headers is null)
        {
            return null;
        }
        if (headers.TryGetValue("retry-after-ms", out var milliseconds)
            && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return now + TimeSpan.FromMilliseconds(ms);
        }
        return headers.TryGetValue("Retry-After", out var value) ? RetryAfter(value, now) : null;
    }

    // A date already past (clocks differ) means: now.
    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
