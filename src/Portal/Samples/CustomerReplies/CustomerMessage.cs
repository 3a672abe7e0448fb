namespace ApprovalPortal.Portal.Samples.CustomerReplies;

/// <summary>A message from a customer, as received by the support inbox.</summary>
public sealed record CustomerMessage(string CustomerName, string CustomerEmail, string? Subject, string Body, string? OrderNumber = null);

public enum ReplyOutcome
{
    Sent,
    Rejected,
}

public sealed record CustomerReplyState(CustomerMessage Message)
{
    /// <summary>The order the message is about: given, or found in its subject or body.</summary>
    public string? OrderNumber { get; init; }

    /// <summary>What the customer writes about (damaged, delivery, refund, billing, cancellation, account, general).</summary>
    public string? Issue { get; init; }

    public EmailDraft? Draft { get; init; }

    public IReadOnlyList<string> ModelNotes { get; init; } = [];

    public ReplyOutcome? Outcome { get; init; }

    public string? OutcomeReason { get; init; }

    public SentEmail? Sent { get; init; }
}

/// <summary>What <c>email.send</c> answers.</summary>
public sealed record SentEmail(string MessageId, string To, string Subject, string Status);
