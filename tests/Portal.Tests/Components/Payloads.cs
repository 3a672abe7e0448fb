using System.Text.Json.Nodes;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>A payment proposal with one field of every kind the form edits.</summary>
internal static class Payloads
{
    public const string PaymentSchema = """
        {
          "type": "object",
          "required": ["payee", "amount", "currency", "items"],
          "properties": {
            "payee": { "type": "string", "title": "Payee", "description": "Who is paid", "minLength": 2, "maxLength": 40 },
            "reference": { "type": "string", "pattern": "^INV-[0-9]{4}$" },
            "note": { "type": "string", "format": "textarea" },
            "amount": { "type": "number", "minimum": 1, "maximum": 5000 },
            "installments": { "type": "integer", "minimum": 1, "maximum": 12 },
            "urgent": { "type": "boolean" },
            "currency": { "enum": ["EUR", "USD", "GBP"] },
            "due": { "type": "string", "format": "date" },
            "address": {
              "type": "object", "title": "Address",
              "properties": { "city": { "type": "string" }, "zip": { "type": "string", "minLength": 4 } }
            },
            "items": {
              "type": "array", "minItems": 1,
              "items": {
                "type": "object", "required": ["description"],
                "properties": { "description": { "type": "string" }, "amount": { "type": "number", "minimum": 0, "default": 0 } }
              }
            },
            "tags": { "type": "array", "items": { "type": "string" } }
          }
        }
        """;

    public const string Payment = """
        {
          "payee": "ACME Ltd",
          "reference": "INV-0042",
          "note": "Paid on delivery",
          "amount": 120.5,
          "installments": 3,
          "urgent": false,
          "currency": "EUR",
          "due": "2026-12-01",
          "address": { "city": "Lyon", "zip": "69001" },
          "items": [ { "description": "Chairs", "amount": 100 }, { "description": "Delivery", "amount": 20.5 } ],
          "tags": ["office"]
        }
        """;

    /// <summary>The valid payment with <paramref name="change"/> applied.</summary>
    public static JsonObject PaymentWith(Action<JsonObject>? change = null)
    {
        var payment = JsonNode.Parse(Payment)!.AsObject();
        change?.Invoke(payment);
        return payment;
    }
}
