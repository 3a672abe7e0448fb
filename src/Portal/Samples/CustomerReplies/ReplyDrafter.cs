using System.Text.RegularExpressions;

namespace ApprovalPortal.Portal.Samples.CustomerReplies;

/// <summary>Writes the first draft of a reply from what the customer wrote: their name, the order they
/// name and the issue their words point to.</summary>
public static partial class ReplyDrafter
{
    public const string SignOff = "Kind regards,\nCustomer Support";

    /// <summary>"order 10-4471", "Order no. SO-2024-1183", "order #48213", or a bare "#48213".</summary>
    [GeneratedRegex(@"\border\s*(?:number|no\.?|nr\.?)?\s*[:#]?\s*(?<id>[A-Z]{0,4}-?\d[\d-]{1,15}\d)\b|#(?<id>\d{3,12})\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: Hosting.RegexBound.Milliseconds)]
    private static partial Regex OrderReference();

    public static string? FindOrder(CustomerMessage message)
    {
        if (UntrustedText.Clean(message.OrderNumber, 40) is { } given)
        {
            return given;
        }
        var match = OrderReference().Match($"{message.Subject}\n{message.Body}");
        return match.Success ? match.Groups["id"].Value.ToUpperInvariant() : null;
    }

    public static EmailDraft Draft(CustomerMessage message, string? order, CustomerIssue issue)
    {
        var orderPhrase = order is null ? "your order" : $"your order {order}";
        var acknowledgement = issue == CustomerIssue.General && order is null
            ? message.Subject is { } topic ? $"Thank you for your message about \"{topic}\"." : "Thank you for your message."
            : issue.Acknowledge(orderPhrase);
        var body = $"Dear {message.CustomerName},\n\n{acknowledgement} {issue.NextStep}\n\n{SignOff}";
        return new EmailDraft(message.CustomerEmail, SubjectFor(message, order, issue), body);
    }

    private static string SubjectFor(CustomerMessage message, string? order, CustomerIssue issue)
    {
        var subject = message.Subject switch
        {
            { } s when s.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) => s,
            { } s => "Re: " + s,
            null when order is not null => $"Your order {order}: {issue.Title}",
            null => $"Re: {issue.Title}",
        };
        return subject.Length <= EmailDraft.MaxSubject ? subject : subject[..EmailDraft.MaxSubject];
    }
}
