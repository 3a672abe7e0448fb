using System.Text.RegularExpressions;

namespace ApprovalPortal.Portal.Samples.CustomerReplies;

/// <summary>A kind of customer request, recognised by words in the message, with what the reply says
/// about it. <see cref="Acknowledge"/> gets "your order 1234" (or "your order" when none was named).</summary>
public sealed record CustomerIssue(string Key, string Title, IReadOnlyList<string> Words, Func<string, string> Acknowledge, string NextStep)
{
    public static readonly IReadOnlyList<CustomerIssue> Known =
    [
        new("damaged", "damaged item", ["damaged", "broken", "cracked", "defective", "scratched", "dented", "smashed", "faulty"],
            order => $"I am very sorry that {order} arrived damaged.",
            "We will send a replacement free of charge as soon as you confirm your delivery address; there is no need to return the damaged item."),
        new("delivery", "late delivery", ["not arrived", "hasn't arrived", "hasn’t arrived", "has not arrived", "still waiting", "not received", "delayed", "late", "tracking"],
            order => $"I am sorry that {order} has not reached you yet.",
            "I have asked our carrier to trace the parcel and will update you within two working days."),
        new("billing", "billing question", ["charged twice", "charged me twice", "double charge", "overcharged", "invoice", "billed"],
            order => $"I understand that something is wrong with the charge for {order}.",
            "Our billing team is checking the payment now; a duplicate charge is refunded automatically within three working days."),
        new("refund", "return and refund", ["refund", "money back", "return", "send it back"],
            order => $"Thank you for letting us know that you would like to return {order}.",
            "Once the item is back with us, the refund goes to your original payment method within five working days."),
        new("cancellation", "cancellation", ["cancel", "cancelled", "canceled", "cancellation"],
            order => $"You asked us to cancel {order}.",
            "If it has not left our warehouse yet we cancel it today and confirm by email; otherwise you can return it free of charge."),
        new("account", "account access", ["password", "log in", "login", "sign in", "locked out"],
            _ => "I am sorry that you are having trouble signing in to your account.",
            "Please use the \"Forgot password\" link on the sign-in page; if that does not help, reply to this email and we will reset it for you."),
    ];

    public static readonly CustomerIssue General = new("general", "your message", [],
        order => $"Thank you for your message about {order}.",
        "A member of our team is looking into it and will get back to you within one working day.");

    /// <summary>The first known issue one of whose words (whole words, any case) the text uses; else <see cref="General"/>.</summary>
    public static CustomerIssue Of(string text) =>
        Known.FirstOrDefault(issue => issue.Words.Any(w => Regex.IsMatch(text, $@"\b{Regex.Escape(w)}\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Hosting.RegexBound.Timeout))) ?? General;
}
