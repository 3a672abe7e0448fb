namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>A problem with the payload a reviewer is about to approve.</summary>
/// <param name="Path">JSON Pointer of the value at fault, e.g. <c>/items/0/amount</c>; empty for the whole payload.</param>
/// <param name="Message">What is wrong, in words a reviewer can act on.</param>
public sealed record PayloadError(string Path, string Message);
