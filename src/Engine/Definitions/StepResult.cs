namespace ApprovalPortal.Engine.Definitions;

/// <summary>What a step decided: where the workflow goes next, with the state to checkpoint.
/// Made with the factory methods of <see cref="Next"/>.</summary>
public abstract record StepResult
{
    private protected StepResult(object state) => State = state;

    /// <summary>The state after the step; it becomes the step's checkpoint.</summary>
    public object State { get; }

    internal sealed record GoTo(object NewState, string Step) : StepResult(NewState);

    internal sealed record WaitUntil(object NewState, DateTimeOffset Until, string Then) : StepResult(NewState);

    internal sealed record WaitForSignal(object NewState, string Signal, string Then) : StepResult(NewState);

    internal sealed record Complete(object NewState) : StepResult(NewState);

    internal sealed record Fail(object NewState, string Reason) : StepResult(NewState);
}

/// <summary>The ways a step can end.</summary>
public static class Next
{
    /// <summary>Continue with <paramref name="step"/> (which must be one of this step's declared edges).</summary>
    public static StepResult To<TState>(string step, TState state) where TState : class => new StepResult.GoTo(state, step);

    /// <summary>Sleep until <paramref name="until"/> (a durable timer), then continue with <paramref name="then"/>.</summary>
    public static StepResult WaitUntil<TState>(DateTimeOffset until, string then, TState state) where TState : class =>
        new StepResult.WaitUntil(state, until, then);

    /// <summary>Wait for the external signal <paramref name="signal"/>, then continue with <paramref name="then"/>,
    /// which reads the payload from <see cref="StepContext.Signal"/>.</summary>
    public static StepResult WaitForSignal<TState>(string signal, string then, TState state) where TState : class =>
        new StepResult.WaitForSignal(state, signal, then);

    /// <summary>The workflow is done.</summary>
    public static StepResult Complete<TState>(TState state) where TState : class => new StepResult.Complete(state);

    /// <summary>The workflow ends as failed with <paramref name="reason"/> (no retry: for business failures).</summary>
    public static StepResult Fail<TState>(string reason, TState state) where TState : class => new StepResult.Fail(state, reason);
}
