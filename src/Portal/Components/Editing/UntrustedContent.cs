using AngleSharp.Html.Dom;
using Ganss.Xss;
using Markdig;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Turns markdown written by an agent or a model into HTML that is safe to render.</summary>
/// <remarks>Markdig with raw HTML disabled already escapes tags, but it still emits links with any scheme
/// (<c>javascript:</c>); the sanitiser is the guarantee, with an allow-list of plain formatting only.</remarks>
public static class UntrustedContent
{
    /// <summary>Longer input is cut here and marked "(truncated)", so one answer cannot flood the page.</summary>
    public const int MaxLength = 20_000;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .Build();

    private static readonly HashSet<string> LinkSchemes = new(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" };

    // HtmlSanitizer parses each call into a fresh document, so one configured instance serves all threads.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>The markdown as sanitised HTML: basic formatting, lists, quotes, code, tables and http(s)/mailto
    /// links only; links get <c>rel="noopener noreferrer nofollow"</c>. Empty for null or blank input.</summary>
    public static string ToSafeHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return "";
        }
        if (markdown.Length > MaxLength)
        {
            var cut = char.IsHighSurrogate(markdown[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
            markdown = markdown[..cut] + "\n\n(truncated)";
        }
        // Hidden characters become visible markers first, so a bidirectional override cannot turn the rendered text around.
        return Sanitizer.Sanitize(Markdown.ToHtml(Shared.VisibleText.Reveal(markdown), Pipeline));
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a",
                "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr",
                "table", "thead", "tbody", "tr", "th", "td",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title" },
            AllowedSchemes = new HashSet<string>(LinkSchemes, StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        });
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IHtmlAnchorElement link)
            {
                KeepAbsoluteLinksOnly(link);
            }
        };
        return sanitizer;
    }

    // A relative link ("/admin/...", "//elsewhere") would point into the portal or at a host the allow-list
    // never saw, so only absolute http(s) and mailto addresses keep their href.
    private static void KeepAbsoluteLinksOnly(IHtmlAnchorElement link)
    {
        var href = link.GetAttribute("href");
        if (href is null || !Uri.TryCreate(href, UriKind.Absolute, out var uri) || !LinkSchemes.Contains(uri.Scheme)
            || href.StartsWith("//", StringComparison.Ordinal))
        {
            link.RemoveAttribute("href");
        }
        link.RemoveAttribute("target");
        link.SetAttribute("rel", "noopener noreferrer nofollow");
    }
}
