namespace ApprovalPortal.Benchmarks;

/// <summary>Runs work(i) for i in [0, n) with at most <c>concurrency</c> in flight (the peers' pool()).</summary>
internal static class Pool
{
    public static async Task RunAsync(int n, int concurrency, Func<int, Task> work)
    {
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                await work(i);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, n))).Select(_ => Task.Run(Worker)));
    }
}
