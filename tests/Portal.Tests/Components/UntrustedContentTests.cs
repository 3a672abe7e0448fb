using AngleSharp.Html.Parser;
using ApprovalPortal.Portal.Components.Editing;
using Bunit;

namespace ApprovalPortal.Portal.Tests.Components;

public sealed class UntrustedContentTests : MudComponentTest
{
    [Fact]
    public void Script_IsNeverAnElement()
    {
        var html = UntrustedContent.ToSafeHtml("Hello <script>alert(1)</script>\n\n<script src=\"https://evil.example/x.js\"></script>");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Parse(html).QuerySelectorAll("script"));
    }

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"https://example.com\" onclick=\"alert(1)\">x</a>")]
    [InlineData("<p onmouseover=alert(1)>hover</p>")]
    public void EventHandlers_AreNeverAttributes(string markdown)
    {
        var html = UntrustedContent.ToSafeHtml(markdown);

        var attributes = Parse(html).QuerySelectorAll("*").SelectMany(e => e.Attributes).Select(a => a.Name);
        Assert.DoesNotContain(attributes, name => name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(Parse(html).QuerySelectorAll("img"));
    }

    [Theory]
    [InlineData("[click me](javascript:alert(1))")]
    [InlineData("[click me](JaVaScRiPt:alert(1))")]
    [InlineData("[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[click me](/admin/delete-everything)")]
    [InlineData("[click me](//evil.example/path)")]
    [InlineData("<javascript:alert(1)>")]
    public void LinksOtherThanHttpAndMailto_LoseTheirTarget(string markdown)
    {
        var html = UntrustedContent.ToSafeHtml(markdown);

        Assert.Empty(Parse(html).QuerySelectorAll("a[href]"));
    }

    [Fact]
    public void BoldAndLinks_AreKept_WithSafeRel()
    {
        var html = UntrustedContent.ToSafeHtml("**Refund** approved: see [the policy](https://example.com/policy) or [mail us](mailto:help@example.com).");

        var document = Parse(html);
        Assert.Equal("Refund", document.QuerySelector("strong")!.TextContent);
        var links = document.QuerySelectorAll("a");
        Assert.Equal(["https://example.com/policy", "mailto:help@example.com"], links.Select(a => a.GetAttribute("href")));
        Assert.All(links, a => Assert.Equal("noopener noreferrer nofollow", a.GetAttribute("rel")));
        Assert.All(links, a => Assert.False(a.HasAttribute("target")));
    }

    [Fact]
    public void ListsCodeQuotesAndTables_AreKept()
    {
        var html = UntrustedContent.ToSafeHtml("# Plan\n\n- one\n- two\n\n> quoted\n\n`code`\n\n| a | b |\n|---|---|\n| 1 | 2 |");

        var document = Parse(html);
        foreach (var tag in new[] { "h1", "ul", "li", "blockquote", "code", "table", "th", "td" })
        {
            Assert.NotNull(document.QuerySelector(tag));
        }
    }

    [Fact]
    public void LongInput_IsCutAndSaysSo()
    {
        var html = UntrustedContent.ToSafeHtml(new string('a', UntrustedContent.MaxLength + 5_000));

        Assert.Contains("(truncated)", html);
        Assert.True(html.Length < UntrustedContent.MaxLength + 100, "the cut text plus a few tags");
    }

    [Fact]
    public void Blank_GivesNothing()
    {
        Assert.Equal("", UntrustedContent.ToSafeHtml(null));
        Assert.Equal("", UntrustedContent.ToSafeHtml("   "));
    }

    [Fact]
    public void UntrustedMarkdown_RendersTheSanitisedHtml()
    {
        var rendered = Render<UntrustedMarkdown>(p => p.Add(m => m.Markdown, "**bold** <script>alert(1)</script>"));

        Assert.Equal("bold", rendered.Find(".untrusted-markdown strong").TextContent);
        Assert.Empty(rendered.FindAll("script"));
        Assert.Contains("&lt;script&gt;", rendered.Markup);
    }

    private static AngleSharp.Html.Dom.IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);
}
