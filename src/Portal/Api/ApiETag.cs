namespace ApprovalPortal.Portal.Api;

/// <summary>Conditional reads: the row's version is the ETag, and a matching <c>If-None-Match</c> means 304.</summary>
internal static class ApiETag
{
    /// <summary>Sets the ETag of <paramref name="version"/> and answers whether the client already has it.</summary>
    public static bool NotModified(HttpContext http, long version)
    {
        var etag = $"\"{version}\"";
        http.Response.Headers.ETag = etag;
        return http.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == "*" || v.Split(',').Select(t => t.Trim()).Contains(etag)));
    }
}
