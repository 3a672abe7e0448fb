using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Samples.DataChanges;
using ApprovalPortal.Portal.Samples.ExpenseClaims;

namespace ApprovalPortal.Portal.Samples.Seeding;

/// <summary>The seeded floor: claims, customer messages and data fixes of different people, some decided
/// (paid, sent, applied, edited, rejected), some waiting, one data fix half signed off.</summary>
public static class SampleCases
{
    public static IReadOnlyList<SampleCase> All { get; } =
    [
        Claim(new ExpenseClaim("jana.novak", 84.50m, "EUR", "meals", "Team dinner with the Lisbon integration partners (4 people)",
            [new Receipt("R-0141-1", 84.50m, "Taberna do Largo")], "EC-2025-0141"),
            SampleDecision.Approve("elena.fischer")),
        Claim(new ExpenseClaim("omar.haddad", 1840.00m, "EUR", "travel", "Return flight Frankfurt to Singapore for the APAC customer summit",
            [new Receipt("LH-7781-220", 1840.00m, "Lufthansa")], "EC-2025-0142")),
        Claim(new ExpenseClaim("lena.schmidt", 236.40m, "EUR", "office-supplies", "Ergonomic keyboard and mouse for the home office",
            [], "EC-2025-0143")),
        Claim(new ExpenseClaim("priya.raman", 129.00m, "GBP", "training", "Online course: advanced PostgreSQL performance tuning",
            [new Receipt("INV-5521", 129.00m, "Udemy")], "EC-2025-0144"),
            SampleDecision.Reject("elena.fischer", "Courses are booked through the learning budget, not as expenses; please resubmit in the learning portal.")),
        Claim(new ExpenseClaim("tom.becker", 2350.00m, "EUR", "equipment", "Replacement laptop after water damage (IT ticket IT-3381)",
            [new Receipt("INV-22871", 2350.00m, "Cyberport")], "EC-2025-0145")),
        Claim(new ExpenseClaim("sofia.martins", 318.75m, "CHF", "lodging", "Two nights at Hotel Bern for the customer workshop",
            [new Receipt("H-3321", 318.75m, "Hotel Bern")], "EC-2025-0146"),
            SampleDecision.Approve("sam.okafor")),

        Reply("SUP-3301", new CustomerMessage("Maria Lopez", "maria.lopez@example.com", "Broken lamp in my delivery",
            "Hi, my order 10-4471 arrived yesterday but the glass shade of the lamp is cracked. Can you help?"),
            SampleDecision.Edited("sam.okafor", "Added the voucher we give for breakage.",
                proposal => WithBody(proposal, body => body.Replace("Kind regards,", "We have also added a 10% voucher to your account for the trouble.\n\nKind regards,", StringComparison.Ordinal)))),
        Reply("SUP-3302", new CustomerMessage("James O'Brien", "james.obrien@example.org", null,
            "I was charged twice for order #58812, once on 3 March and again on 4 March. Please fix this."),
            SampleDecision.Approve("sam.okafor")),
        Reply("SUP-3303", new CustomerMessage("Aiko Tanaka", "aiko.tanaka@example.jp", "Where is my parcel?",
            "I ordered a rain jacket two weeks ago (order SO-2024-1183) and it still has not arrived. The tracking page has not changed since Monday.")),
        Reply("SUP-3304", new CustomerMessage("Lukas Weber", "lukas.weber@example.de", "Cancel order",
            "Please cancel order 10-4502, I picked the wrong size.")),

        Change(new DataChangeRequest("INC-4821", "priya.raman", "crm", "public.customers", "customer_id", "48213", "email",
            "jon.smith@exmaple.com", "jon.smith@example.com", "A typo in the domain makes every invoice to this customer bounce; the customer confirmed the address by phone."),
            SampleDecision.Approve("sam.okafor"), SampleDecision.Approve("elena.fischer")),
        Change(new DataChangeRequest("INC-4833", "omar.haddad", "billing", "invoices", "invoice_no", "INV-2024-11873", "status",
            "open", "void", "The invoice was issued twice for order 10-4390; the duplicate INV-2024-11874 has been paid."),
            SampleDecision.Approve("sam.okafor")),
        Change(new DataChangeRequest("CHG-1207", "lena.schmidt", "inventory", "stock_items", "sku", "SKU-88123", "quantity_on_hand",
            "-4", "0", "A failed stock-take import left negative stock, which blocks picking in warehouse 2.")),
    ];

    private static SampleCase Claim(ExpenseClaim claim, params SampleDecision[] decisions) =>
        new(ExpenseClaimWorkflow.DefinitionName, claim.ClaimId!, claim.Employee, new ExpenseClaimState(claim), decisions);

    private static SampleCase Reply(string ticket, CustomerMessage message, params SampleDecision[] decisions) =>
        new(CustomerReplyWorkflow.DefinitionName, ticket, "mailbox:support", new CustomerReplyState(message), decisions);

    private static SampleCase Change(DataChangeRequest request, params SampleDecision[] decisions) =>
        new(ProductionDataChangeWorkflow.DefinitionName, request.Ticket, request.RequestedBy, new DataChangeState(request), decisions);

    private static JsonElement WithBody(JsonElement proposal, Func<string, string> edit)
    {
        var node = JsonNode.Parse(proposal.GetRawText())!.AsObject();
        node["body"] = edit(node["body"]!.GetValue<string>());
        return JsonSerializer.SerializeToElement(node);
    }
}
