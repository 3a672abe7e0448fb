using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>The notes an instance's agent keeps across its sessions (runs, restarts, pauses), by key. A step writes them
/// with <see cref="StepContext.Remember"/>; they are committed with the step (a failed or discarded step writes none, a
/// replayed one writes the same keys again, never twice). They are read once per run, when a step first asks.</summary>
public sealed class KnowledgeNotes
{
    /// <summary>The longest key.</summary>
    public const int MaxKey = 200;

    /// <summary>The longest note.</summary>
    public const int MaxText = 16_000;

    private readonly Func<CancellationToken, Task<IReadOnlyDictionary<string, string>>> _load;
    private Dictionary<string, string>? _known;
    private Dictionary<string, string>? _pending;

    internal KnowledgeNotes(Func<CancellationToken, Task<IReadOnlyDictionary<string, string>>> load) => _load = load;

    /// <summary>The notes this step wrote, to commit with it.</summary>
    internal IReadOnlyDictionary<string, string> Pending => _pending ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();

    internal void Remember(string key, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(text);
        if (key.Length > MaxKey || text.Length > MaxText)
        {
            throw new ArgumentException($"A note's key is at most {MaxKey} characters and its text at most {MaxText}.", nameof(key));
        }
        (_pending ??= new(StringComparer.Ordinal))[key] = text;
    }

    internal async Task<IReadOnlyDictionary<string, string>> AllAsync(CancellationToken cancellationToken)
    {
        _known ??= new(await _load(cancellationToken), StringComparer.Ordinal);
        if (_pending is null)
        {
            return _known;
        }
        var all = new Dictionary<string, string>(_known, StringComparer.Ordinal);
        foreach (var (key, text) in _pending)
        {
            all[key] = text;
        }
        return all;
    }

    /// <summary>The step's notes were committed: later steps of the run see them.</summary>
    internal void Accept()
    {
        if (_pending is null)
        {
            return;
        }
        if (_known is not null)
        {
            foreach (var (key, text) in _pending)
            {
                _known[key] = text;
            }
        }
        else
        {
            // Not read yet: the next read loads them from the database, where they are now.
        }
        _pending = null;
    }

    /// <summary>The step failed: what it wrote is forgotten.</summary>
    internal void Discard() => _pending = null;

    /// <summary>The notes as one system message for a prompt, in key order; none when there are no notes.</summary>
    public static ChatMessage? ToSystemMessage(IReadOnlyDictionary<string, string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        if (notes.Count == 0)
        {
            return null;
        }
        var text = new StringBuilder("What you noted in earlier sessions (key: note):");
        foreach (var (key, note) in notes.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {key}: {note}");
        }
        return new ChatMessage(ChatRole.System, text.ToString());
    }
}
