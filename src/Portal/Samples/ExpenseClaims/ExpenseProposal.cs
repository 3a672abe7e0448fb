using System.Text.Json;

namespace ApprovalPortal.Portal.Samples.ExpenseClaims;

/// <summary>The proposed settlement of a claim, and (once approved) the payment order. "approve" with an
/// approval pays <see cref="Amount"/>; "deny" with an approval confirms the denial.</summary>
public sealed record ExpenseProposal(
    string ClaimId,
    string Decision,
    string Employee,
    decimal Amount,
    string Currency,
    string Category,
    IReadOnlyList<string> Reasons)
{
    public const string Approve = "approve";
    public const string Deny = "deny";

    public static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "Expense claim settlement",
          "type": "object",
          "required": ["claimId", "decision", "employee", "amount", "currency", "category", "reasons"],
          "additionalProperties": false,
          "properties": {
            "claimId": { "type": "string", "title": "Claim", "readOnly": true },
            "decision": { "type": "string", "title": "Decision", "enum": ["approve", "deny"] },
            "employee": { "type": "string", "title": "Employee", "readOnly": true },
            "amount": { "type": "number", "title": "Amount to pay", "exclusiveMinimum": 0, "multipleOf": 0.01 },
            "currency": { "type": "string", "title": "Currency", "pattern": "^[A-Z]{3}$", "readOnly": true },
            "category": { "type": "string", "title": "Category", "readOnly": true },
            "reasons": {
              "type": "array",
              "title": "Reasons",
              "items": { "type": "string", "maxLength": 500 },
              "maxItems": 20
            }
          }
        }
        """).RootElement.Clone();
}
