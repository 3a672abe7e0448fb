using System.Security.Cryptography;
using System.Text.Json;
using ApprovalPortal.Engine.Tools;

namespace ApprovalPortal.Portal.Samples.CustomerReplies;

/// <summary>Sends an approved reply (in memory): one message per idempotency key.</summary>
public sealed class EmailTool : IdempotentTool
{
    public const string ToolName = "email.send";

    public override string Name => ToolName;

    protected override JsonElement Perform(ToolCall call)
    {
        var email = Read<EmailDraft>(call);
        if (string.IsNullOrEmpty(email.To) || !CustomerReplyWorkflow.IsPlainAddress(email.To)
            || string.IsNullOrWhiteSpace(email.Subject) || string.IsNullOrWhiteSpace(email.Body))
        {
            throw new ArgumentException("An email needs a plain recipient address, a subject and a body.");
        }
        var messageId = $"<{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}@mail.approvalportal.local>";
        return UntrustedText.ToJson(new SentEmail(messageId, email.To, email.Subject, "sent"));
    }
}
