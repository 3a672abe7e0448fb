using System.Collections.Frozen;

namespace ApprovalPortal.Engine.Definitions;

/// <summary>The workflow definitions this process knows, by name and version.</summary>
public sealed class DefinitionRegistry
{
    private readonly FrozenDictionary<(string, int), CompiledWorkflow> _byVersion;
    private readonly FrozenDictionary<string, CompiledWorkflow> _latest;

    /// <summary>Compiles every registered source; a definition that does not compile stops start-up.</summary>
    public DefinitionRegistry(IEnumerable<IWorkflowDefinitionSource> sources)
    {
        var definitions = sources.Select(s => s.Build()).ToList();
        var duplicate = definitions.GroupBy(d => (d.Name, d.Version)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Workflow {duplicate.Key.Name} v{duplicate.Key.Version} is registered twice.");
        }
        _byVersion = definitions.ToFrozenDictionary(d => (d.Name, d.Version));
        _latest = definitions.GroupBy(d => d.Name).ToFrozenDictionary(g => g.Key, g => g.MaxBy(d => d.Version)!);
    }

    /// <summary>Every definition, every version.</summary>
    public IEnumerable<CompiledWorkflow> All => _byVersion.Values;

    /// <summary>The newest version of <paramref name="name"/>, or null.</summary>
    public CompiledWorkflow? Latest(string name) => _latest.GetValueOrDefault(name);

    /// <summary>One exact version, or null.</summary>
    public CompiledWorkflow? Find(string name, int version) => _byVersion.GetValueOrDefault((name, version));
}
