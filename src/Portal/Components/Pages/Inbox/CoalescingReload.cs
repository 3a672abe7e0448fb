namespace ApprovalPortal.Portal.Components.Pages.Inbox;

/// <summary>Runs a reload for a burst of changes (a bulk decision, a batch of new tasks) once: a request that
/// arrives while one waits to start is served by it; one that arrives while a reload runs queues one more.</summary>
public sealed class CoalescingReload : IDisposable
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private int _pending;

    /// <summary>Runs <paramref name="reload"/> unless a run that has not started yet will cover this request.</summary>
    public async Task RunAsync(Func<Task> reload)
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }
        await _running.WaitAsync();
        try
        {
            Interlocked.Exchange(ref _pending, 0);
            await reload();
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();
}
