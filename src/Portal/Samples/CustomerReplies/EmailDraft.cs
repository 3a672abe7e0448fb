using System.Text.Json;

namespace ApprovalPortal.Portal.Samples.CustomerReplies;

/// <summary>The reply as proposed, and (once approved, possibly edited) as sent.</summary>
public sealed record EmailDraft(string To, string Subject, string Body)
{
    public const int MaxSubject = 200;
    public const int MaxBody = 10_000;

    // "x-multiline" asks the suggested-action editor for a text area; validators ignore unknown keywords.
    public static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "Email reply",
          "type": "object",
          "required": ["to", "subject", "body"],
          "additionalProperties": false,
          "properties": {
            "to": { "type": "string", "title": "To", "format": "email", "readOnly": true },
            "subject": { "type": "string", "title": "Subject", "minLength": 1, "maxLength": 200 },
            "body": { "type": "string", "title": "Message", "minLength": 1, "maxLength": 10000, "x-multiline": true }
          }
        }
        """).RootElement.Clone();
}
