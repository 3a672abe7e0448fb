using ApprovalPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace ApprovalPortal.Portal.Live;

/// <summary>Which API client created a task, for the hub group of that client. A task's creator never changes, so the
/// answer is cached; nothing is looked up while no API client listens on this node, nor for a workflow's tasks (only
/// instance-less tasks come from the API).</summary>
public sealed partial class ApiTaskOwners(IDbContextFactory<PortalDbContext> contexts, IMemoryCache cache, ILogger<ApiTaskOwners> logger)
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);
    private int _listeners;

    /// <summary>Whether an API client is connected to the hub on this node.</summary>
    public bool AnyListener => Volatile.Read(ref _listeners) > 0;

    /// <summary>An API client connected to the hub.</summary>
    public void Connected() => Interlocked.Increment(ref _listeners);

    /// <summary>An API client's connection closed.</summary>
    public void Disconnected() => Interlocked.Decrement(ref _listeners);

    /// <summary>The creator of <paramref name="taskId"/>; null for a workflow's task, or when it cannot be told now.</summary>
    public async ValueTask<Guid?> OwnerAsync(Guid taskId)
    {
        var key = (nameof(ApiTaskOwners), taskId);
        if (cache.TryGetValue(key, out Guid? owner))
        {
            return owner;
        }
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            owner = await db.HumanTasks.AsNoTracking().Where(t => t.Id == taskId).Select(t => t.ApiClientId).FirstOrDefaultAsync();
            cache.Set(key, owner, Keep);
            return owner;
        }
        catch (Exception ex)
        {
            // On the engine's path: a failed look-up costs the client this one message, never the change.
            LogLookupFailed(ex, taskId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell which API client created task {TaskId}; its hub group is not told of this change")]
    private partial void LogLookupFailed(Exception exception, Guid taskId);
}
