using System.Text.Json;
using ApprovalPortal.Engine.Tools;
using Microsoft.Extensions.AI;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>What a step may use besides its state. Everything here is recorded or replayable: tool and
/// model calls are keyed by (instance, step, call ordinal), and their recorded results are reused when a
/// step re-runs after a crash.</summary>
public sealed class StepContext
{
    private readonly KnowledgeNotes _notes;

    internal StepContext(Guid instanceId, string stepName, int attempt, TimeProvider clock, StepCalls calls,
        GateDecision? decision, JsonElement? signal, CancellationToken cancellation, KnowledgeNotes? notes = null)
    {
        _notes = notes ?? new KnowledgeNotes(_ => Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>()));
        InstanceId = instanceId;
        StepName = stepName;
        Attempt = attempt;
        Clock = clock;
        Decision = decision;
        Signal = signal;
        Cancellation = cancellation;
        Tools = new ToolCaller(calls);
        Model = calls.ChatClient;
    }

    /// <summary>The running instance.</summary>
    public Guid InstanceId { get; }

    /// <summary>The step being run.</summary>
    public string StepName { get; }

    /// <summary>1 for the first try of this step, 2 for the first retry, ...</summary>
    public int Attempt { get; }

    /// <summary>The engine's clock; use it instead of DateTime.UtcNow so tests can move time.</summary>
    public TimeProvider Clock { get; }

    /// <summary>Now, by <see cref="Clock"/>.</summary>
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>The decision that closed the gate this step follows; null otherwise.</summary>
    public GateDecision? Decision { get; }

    /// <summary>The payload of the signal this step waited for; null otherwise.</summary>
    public JsonElement? Signal { get; }

    /// <summary>Tools, called with idempotency keys and recorded.</summary>
    public ToolCaller Tools { get; }

    /// <summary>The model, through Microsoft.Extensions.AI; every call is recorded and reused on re-run.</summary>
    public IChatClient Model { get; }

    /// <summary>Cancelled when the engine shuts down.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Keeps <paramref name="text"/> under <paramref name="key"/> across the instance's sessions (replacing what
    /// was kept there); written in this step's commit, so a failed step keeps nothing and a re-run one writes it once.</summary>
    public void Remember(string key, string text) => _notes.Remember(key, text);

    /// <summary>The note kept under <paramref name="key"/>, or null.</summary>
    public async Task<string?> RecallAsync(string key) => (await _notes.AllAsync(Cancellation)).GetValueOrDefault(key);

    /// <summary>Every note kept, by key (this step's own included).</summary>
    public Task<IReadOnlyDictionary<string, string>> RecallAllAsync() => _notes.AllAsync(Cancellation);

    /// <summary>Every note kept, as one system message to put before a prompt instead of a growing history; null when none.</summary>
    public async Task<ChatMessage?> NotesMessageAsync() => KnowledgeNotes.ToSystemMessage(await _notes.AllAsync(Cancellation));
}
