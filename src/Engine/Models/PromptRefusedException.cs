namespace ApprovalPortal.Engine.Models;

/// <summary>A model call was refused before it was sent, for a reason that sending it again would meet again (the prompt
/// does not fit the model's context window, or needs more tokens than the model's rate allows in a minute): the step is
/// not retried and opens an incident with the numbers.</summary>
public sealed class PromptRefusedException(string message) : Exception(message);
