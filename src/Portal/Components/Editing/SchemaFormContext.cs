namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>What the fields of one <see cref="SchemaForm"/> share: whether they may edit, the current
/// errors, and how to report an edit.</summary>
public sealed class SchemaFormContext(Func<Task> edited, Func<Task> unreadableChanged)
{
    private readonly Dictionary<string, string> _local = new(StringComparer.Ordinal);

    /// <summary>True when the form only shows the payload.</summary>
    public bool ReadOnly { get; internal set; }

    /// <summary>Schema violations of the current document.</summary>
    internal IReadOnlyList<PayloadError> SchemaErrors { get; set; } = [];

    /// <summary>Every problem: text a field could not read (raw JSON that does not parse), then schema violations.</summary>
    public IReadOnlyList<PayloadError> Errors =>
        [.. _local.Select(e => new PayloadError(e.Key, e.Value)), .. SchemaErrors.Where(e => !_local.ContainsKey(e.Path))];

    /// <summary>The messages for exactly <paramref name="path"/>, joined; null when there are none.</summary>
    public string? ErrorText(string path)
    {
        var messages = Errors.Where(e => e.Path == path).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>The messages for <paramref name="path"/> and everything inside it; null when there are none.</summary>
    public string? ErrorTextWithin(string path)
    {
        var messages = Errors.Where(e => JsonPointer.IsWithin(e.Path, path)).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="slot"/>, then revalidates and reports the new document.</summary>
    public Task SetAsync(FieldSlot slot, System.Text.Json.Nodes.JsonNode? value)
    {
        slot.Set(value);
        return edited();
    }

    /// <summary>Leaves the value of <paramref name="slot"/> out, then revalidates and reports the new document.</summary>
    public Task ClearAsync(FieldSlot slot)
    {
        slot.Clear();
        return edited();
    }

    /// <summary>Reports that a change was made directly to the document (rows added or removed).</summary>
    public Task EditedAsync() => edited();

    /// <summary>Records (or, with null, forgets) text at <paramref name="path"/> that could not be read, so the
    /// payload counts as invalid while it stands.</summary>
    public Task SetUnreadableAsync(string path, string? message)
    {
        if (message is null ? !_local.Remove(path) : _local.TryGetValue(path, out var old) && old == message)
        {
            return Task.CompletedTask;
        }
        if (message is not null)
        {
            _local[path] = message;
        }
        return unreadableChanged();
    }

    /// <summary>Forgets unreadable text at <paramref name="path"/> without reporting it: an edit reports next.</summary>
    public void ForgetUnreadable(string path) => _local.Remove(path);

    internal void ForgetAllUnreadable() => _local.Clear();
}
