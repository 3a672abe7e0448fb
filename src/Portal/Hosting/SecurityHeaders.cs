using System.Security.Cryptography;
using ApprovalPortal.Portal.Security;

namespace ApprovalPortal.Portal.Hosting;

/// <summary>The headers every answer carries: a Content-Security-Policy (no framing, scripts only from here or with the
/// request's nonce), no content sniffing, no referrer to other sites.</summary>
public static class SecurityHeaders
{
    private const string NonceItem = "approvalportal/csp-nonce";

    /// <summary>The request's script nonce, for the few inline scripts the pages render (the import map).</summary>
    public static string Nonce(HttpContext context) => context.Items[NonceItem] as string ?? "";

    /// <summary>Adds the headers to every response.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this WebApplication app)
    {
        // A sign-out posts a form that redirects to the identity provider, which form-action must allow.
        var signOutTarget = app.Services.GetRequiredService<SignInSettings>().Mode == SignInMode.EntraId
            && Uri.TryCreate(app.Configuration[$"{PortalAuthentication.EntraSection}:Instance"] ?? "https://login.microsoftonline.com/", UriKind.Absolute, out var instance)
                ? " " + instance.GetLeftPart(UriPartial.Authority)
                : "";
        return app.Use((context, next) =>
        {
            // Hex, a subset of the nonce grammar that HTML never escapes (a base64 "+" is written as &#x2B; in the page).
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = Policy(context.Request.Path, nonce, signOutTarget);
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return next(context);
        });
    }

    /// <summary>The policy for <paramref name="path"/>. The portal (Blazor Server, MudBlazor) needs inline styles but
    /// no inline or evaluated script; the API reference (/scalar) and the job dashboard (/hangfire) are pages of their
    /// libraries with inline scripts of their own.</summary>
    public static string Policy(PathString path, string nonce, string signOutTarget = "")
    {
        var libraryPage = path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase);
        var scripts = libraryPage ? "'self' 'unsafe-inline'" : $"'self' 'nonce-{nonce}'";
        return $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
            $"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'{signOutTarget}; frame-ancestors 'none'";
    }
}
