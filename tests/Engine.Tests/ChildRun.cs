using System.Diagnostics;
using ApprovalPortal.TestSupport;

namespace ApprovalPortal.Engine.Tests;

/// <summary>One run of the crash host in a child process, with every line it printed.</summary>
internal sealed class ChildRun
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildRun(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadAsync);
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static Task<ChildRun> StartAsync(TestDatabase database, string mode, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ApprovalPortal.CrashHost.dll"));
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(database.Provider.ToString());
        start.ArgumentList.Add(database.ConnectionString);
        foreach (var argument in extra)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The crash host did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return Task.FromResult(new ChildRun(process));
    }

    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan patience, bool orTimeout = false)
    {
        var deadline = Stopwatch.StartNew();
        var seen = 0;
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen]))
                    {
                        return;
                    }
                }
                changed = _changed.Task;
            }
            var left = patience - deadline.Elapsed;
            if (left <= TimeSpan.Zero || _process.HasExited)
            {
                Assert.True(orTimeout, $"the crash host did not print the awaited line within {patience} (exited: {_process.HasExited})");
                return;
            }
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    /// <summary>SIGKILL, then every line the process wrote before it died.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        await _reading;
    }

    public async Task<int> WaitForExitAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        await _process.WaitForExitAsync(timeout.Token);
        await _reading;
        return _process.ExitCode;
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_lines)
            {
                _lines.Add(line);
                var changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.TrySetResult();
            }
        }
    }
}

/// <summary>Where a kill landed, read from the markers the killed process wrote.</summary>
internal sealed record KillSite(bool InGroupCommit, bool BetweenToolCallAndCommit, int StepsCommitted)
{
    public static KillSite Of(IReadOnlyList<string> lines)
    {
        var lastBegin = -1;
        var lastEnd = -1;
        var openTools = new HashSet<string>();
        var steps = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith("group-commit-begin ", StringComparison.Ordinal))
            {
                lastBegin = i;
            }
            else if (line.StartsWith("group-commit-end ", StringComparison.Ordinal))
            {
                lastEnd = i;
            }
            else if (line.StartsWith("tool-called ", StringComparison.Ordinal))
            {
                // key = instance:step:tool:ordinal; the step's commit names instance:step.
                var parts = line["tool-called ".Length..].Split(':');
                openTools.Add($"{parts[0]}:{parts[1]}");
            }
            else if (line.StartsWith("step-committed ", StringComparison.Ordinal))
            {
                openTools.Remove(line["step-committed ".Length..]);
                steps++;
            }
        }
        return new KillSite(lastBegin > lastEnd, openTools.Count > 0, steps);
    }
}
