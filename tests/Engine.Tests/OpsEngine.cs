using System.Text.Json;
using ApprovalPortal.Data.Workflows;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Engine.Tests;

/// <summary>An engine host with <see cref="OpsWorkflow"/>, its flaky step and counting tool.</summary>
internal sealed class OpsEngine : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private OpsEngine(EngineHost host, FlakyStep flaky, CountingTool tool)
    {
        Host = host;
        Flaky = flaky;
        Tool = tool;
    }

    public EngineHost Host { get; }

    public FlakyStep Flaky { get; }

    public CountingTool Tool { get; }

    public static async Task<OpsEngine> StartAsync(TestDatabase database, int failTimes)
    {
        var flaky = new FlakyStep { FailTimes = failTimes };
        var tool = new CountingTool();
        var host = await EngineHost.StartAsync(database,
            engine => engine.AddWorkflow<OpsWorkflow>(),
            services: services =>
            {
                services.AddSingleton(flaky);
                services.AddSingleton<Tools.IWorkflowTool>(tool);
            });
        return new OpsEngine(host, flaky, tool);
    }

    public async Task<(Guid Id, InstanceWatch.Watcher Watcher)> StartAsync()
    {
        var id = Guid.CreateVersion7();
        var watcher = Host.Get<InstanceWatch>().Watch(id);
        await Host.Get<WorkflowClient>().StartAsync(new StartWorkflow
        {
            Definition = OpsWorkflow.DefinitionName,
            Input = JsonSerializer.SerializeToElement(new OpsState(0), EngineJson.Options),
            InstanceId = id,
        });
        return (id, watcher);
    }

    public static Task<InstanceNotification> Until(InstanceWatch.Watcher watcher, WorkflowStatus status) =>
        watcher.WaitAsync(s => s == status, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
