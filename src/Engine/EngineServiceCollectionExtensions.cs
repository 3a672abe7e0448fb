using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Scheduling;
using ApprovalPortal.Engine.Storage;
using ApprovalPortal.Engine.Tools;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;

namespace ApprovalPortal.Engine;

/// <summary>Registers the engine: <c>services.AddApprovalEngine(configuration).AddWorkflow&lt;MyWorkflow&gt;()</c>.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>Adds the durable engine, its Hangfire storage and (unless Engine:RunJobServer is false) a Hangfire server.
    /// Needs <c>AddApprovalData</c>.</summary>
    public static EngineBuilder AddApprovalEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => CreateChatClient(sp.GetRequiredService<IOptions<ModelOptions>>().Value));
        services.AddSingleton<EngineDiagnostics>();
        services.AddSingleton<InstanceWatch>();
        services.AddSingleton<EngineNotifications>();
        services.AddSingleton(sp => SqlDialect.For(sp.GetRequiredService<PortalConnection>()));
        services.AddSingleton<GroupCommitter>();
        services.AddHostedService(sp => sp.GetRequiredService<GroupCommitter>());
        services.AddSingleton<DefinitionRegistry>();
        services.AddSingleton<IntegrationOutbox>();
        services.AddSingleton<StepPlanner>();
        services.AddSingleton(sp => new ToolBreakers(sp.GetRequiredService<TimeProvider>())
        {
            CallTimeout = sp.GetRequiredService<IOptions<EngineOptions>>().Value.ToolCallTimeout,
        });
        services.AddSingleton(sp => new CallServices(
            sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
            sp.GetRequiredService<GroupCommitter>(),
            sp.GetServices<IWorkflowTool>().ToDictionary(t => t.Name, StringComparer.Ordinal),
            sp.GetRequiredService<ToolBreakers>(),
            sp.GetRequiredService<IChatClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<EngineDiagnostics>(),
            new ResiliencePipelineBuilder { TimeProvider = sp.GetRequiredService<TimeProvider>() }
                .AddTimeout(sp.GetRequiredService<IOptions<EngineOptions>>().Value.ModelCallTimeout).Build()));
        services.AddSingleton<EscalationPolicies>();
        services.AddSingleton<Escalations>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<InstanceRunner>();
        services.AddSingleton<LocalWork>();
        services.AddSingleton<Claimer>();
        services.AddSingleton<Sweeper>();
        services.AddSingleton<TimerFiring>();
        services.AddSingleton<IJobScheduler, HangfireJobScheduler>();
        services.AddSingleton(sp => new WorkflowClient(
            sp.GetRequiredService<DefinitionRegistry>(), sp.GetRequiredService<GroupCommitter>(), sp.GetRequiredService<StepPlanner>(),
            sp.GetRequiredService<LocalWork>(), sp.GetRequiredService<EngineNotifications>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TaskDecisions(
            sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), sp.GetRequiredService<DefinitionRegistry>(),
            sp.GetRequiredService<GroupCommitter>(), sp.GetRequiredService<StepPlanner>(), sp.GetRequiredService<WorkflowClient>(),
            sp.GetRequiredService<EngineNotifications>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IntegrationOutbox>(),
            new DecisionAuthority(sp.GetRequiredService<IReviewerRights>())));
        services.TryAddSingleton<IReviewerRights, CallerTrustedReviewerRights>();
        services.AddSingleton(sp => new ExternalTasks(sp.GetRequiredService<EscalationPolicies>(), sp.GetRequiredService<GroupCommitter>(),
            sp.GetRequiredService<IJobScheduler>(), sp.GetRequiredService<EngineNotifications>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IntegrationOutbox>()));
        services.AddSingleton(sp => new InstanceCommandRunner(
            sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), sp.GetRequiredService<GroupCommitter>(),
            sp.GetRequiredService<WorkflowClient>(), sp.GetRequiredService<EngineNotifications>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new InstanceCommands(
            sp.GetRequiredService<InstanceCommandRunner>(), sp.GetRequiredService<DefinitionRegistry>(), sp.GetRequiredService<StepPlanner>()));
        services.AddSingleton(sp => new Signals(sp.GetRequiredService<InstanceCommandRunner>(), sp.GetRequiredService<StepPlanner>()));
        services.AddSingleton(sp => new TaskCommands(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), sp.GetRequiredService<GroupCommitter>(),
            sp.GetRequiredService<EngineNotifications>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<EngineStartup>();

        AddJobs(services, options);
        return new EngineBuilder(services);
    }

    /// <summary>The offline model, or an OpenAI-compatible endpoint when one is configured.</summary>
    private static IChatClient CreateChatClient(ModelOptions models) =>
        string.IsNullOrWhiteSpace(models.Endpoint)
            ? new OfflineChatClient()
            : new OpenAI.Chat.ChatClient(models.Model, new System.ClientModel.ApiKeyCredential(models.ApiKey ?? "none"),
                new OpenAI.OpenAIClientOptions { Endpoint = new Uri(models.Endpoint) }).AsIChatClient();

    private static void AddJobs(IServiceCollection services, EngineOptions options)
    {
        // Storage and activator are this container's own (not Hangfire's process-wide defaults), so that
        // several hosts in one process (tests, a portal beside a worker) never run each other's jobs.
        services.AddSingleton(sp =>
        {
            var connection = sp.GetRequiredService<PortalConnection>();
            return new JobStorageSchema(connection, JobStorageSchema.Resolve(options.JobStorage, connection.Provider));
        });
        services.AddSingleton<JobStorage>(sp => CreateStorage(sp.GetRequiredService<PortalConnection>(), sp.GetRequiredService<JobStorageSchema>().Kind));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogBridge(sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>())));
        // Started by EngineStartup once the database is prepared (and only with Engine:RunJobServer).
        services.AddSingleton<JobServer>();
    }

    // The schema is JobStorageSchema's work (at start-up, with the database reachable), never the constructors'.
    private static JobStorage CreateStorage(PortalConnection connection, JobStorageKind kind) => (kind, connection.Provider) switch
    {
        (JobStorageKind.InMemory, _) => new InMemoryStorage(),
        (JobStorageKind.Database, DatabaseProvider.Postgres) => new PostgreSqlStorage(
            new NpgsqlConnectionFactory(connection.ConnectionString, new PostgreSqlStorageOptions()),
            new PostgreSqlStorageOptions
            {
                QueuePollInterval = TimeSpan.FromSeconds(1),
                EnableLongPolling = true,
                PrepareSchemaIfNecessary = false,
                // A lock row of a node that died is taken over after this long; the default (10 min) would stop
                // delayed jobs (our timers) on every node for that long after a crash.
                DistributedLockTimeout = TimeSpan.FromSeconds(15),
            }),
        (JobStorageKind.Database, DatabaseProvider.SqlServer) => new SqlServerStorage(connection.ConnectionString,
            new SqlServerStorageOptions { SqlClientFactory = Microsoft.Data.SqlClient.SqlClientFactory.Instance, QueuePollInterval = TimeSpan.FromSeconds(1), PrepareSchemaIfNecessary = false }),
        _ => throw new InvalidOperationException(
            $"Engine:JobStorage=Database needs PostgreSQL or SQL Server; with {connection.Provider} use InMemory (the sweeper restores what a restart loses)."),
    };
}

/// <summary>Adds workflows and tools to the engine.</summary>
public sealed class EngineBuilder(IServiceCollection services)
{
    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers a workflow definition.</summary>
    public EngineBuilder AddWorkflow<TWorkflow>() where TWorkflow : class, IWorkflowDefinitionSource
    {
        Services.AddSingleton<IWorkflowDefinitionSource, TWorkflow>();
        return this;
    }

    /// <summary>Registers a tool that steps can call.</summary>
    public EngineBuilder AddTool<TTool>() where TTool : class, IWorkflowTool
    {
        Services.AddSingleton<IWorkflowTool, TTool>();
        return this;
    }
}
