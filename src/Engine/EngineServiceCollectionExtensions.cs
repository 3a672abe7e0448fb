using ApprovalPortal.Data;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Changes;
using ApprovalPortal.Engine.Client;
using ApprovalPortal.Engine.Costs;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Execution;
using ApprovalPortal.Engine.Gates;
using ApprovalPortal.Engine.Integration;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Engine.Jobs;
using ApprovalPortal.Engine.Models;
using ApprovalPortal.Engine.Notifications;
using ApprovalPortal.Engine.Rates;
using ApprovalPortal.Engine.Scheduling;
using ApprovalPortal.Engine.Storage;
using ApprovalPortal.Engine.Tools;
using ApprovalPortal.Engine.Triggers;
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
        AddCallLimits(services);
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
                .AddTimeout(sp.GetRequiredService<IOptions<EngineOptions>>().Value.ModelCallTimeout).Build(),
            sp.GetRequiredService<CallLimits>()));
        services.AddSingleton<EscalationPolicies>();
        services.AddSingleton<Escalations>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<ReadyQueue>();
        services.AddSingleton<InstanceRunner>();
        services.AddSingleton<LocalWork>();
        services.AddSingleton<IRunnableWork>(sp => sp.GetRequiredService<LocalWork>());
        services.AddSingleton<Claimer>();
        services.AddSingleton<Sweeper>();
        services.AddSingleton<TimerFiring>();
        services.AddSingleton<IJobScheduler, HangfireJobScheduler>();
        services.AddSingleton<InstanceChanges>();
        services.AddSingleton<ChangeRunner>();
        services.AddSingleton(sp => new WorkflowClient(
            sp.GetRequiredService<DefinitionRegistry>(), sp.GetRequiredService<GroupCommitter>(), sp.GetRequiredService<InstanceChanges>(),
            sp.GetRequiredService<IRunnableWork>(), sp.GetRequiredService<EngineNotifications>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ClaimRule>();
        services.TryAddSingleton<IReviewerRights, CallerTrustedReviewerRights>();
        services.AddSingleton(sp => new TaskDecisions(sp.GetRequiredService<ChangeRunner>(), sp.GetRequiredService<InstanceChanges>(),
            sp.GetRequiredService<DefinitionRegistry>(), new DecisionAuthority(sp.GetRequiredService<IReviewerRights>(), sp.GetRequiredService<ClaimRule>())));
        services.AddSingleton(sp => new ExternalTasks(sp.GetRequiredService<EscalationPolicies>(), sp.GetRequiredService<GroupCommitter>(),
            sp.GetRequiredService<ChangeRunner>(), sp.GetRequiredService<InstanceChanges>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<InstanceCommandRunner>();
        services.AddSingleton(sp => new InstanceCommands(sp.GetRequiredService<InstanceCommandRunner>(), sp.GetRequiredService<DefinitionRegistry>()));
        services.AddSingleton(sp => new Signals(sp.GetRequiredService<InstanceCommandRunner>()));
        services.AddSingleton(sp => new ProposalRevisions(sp.GetRequiredService<ChangeRunner>(), sp.GetRequiredService<InstanceChanges>()));
        services.AddSingleton(sp => new TaskCommands(sp.GetRequiredService<ChangeRunner>(), sp.GetRequiredService<InstanceChanges>(), sp.GetRequiredService<ClaimRule>()));
        services.AddHostedService<EngineStartup>();
        services.AddScheduleTriggers();

        AddJobs(services, options);
        return new EngineBuilder(services);
    }

    /// <summary>Prices, costs, the context window and the rates of model and tool calls.</summary>
    private static void AddCallLimits(IServiceCollection services)
    {
        services.AddOptions<CostOptions>().BindConfiguration(CostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateOptions>().BindConfiguration(RateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ModelPrices>();
        services.AddSingleton<ModelSpend>();
        services.AddSingleton<BudgetCheck>();
        services.AddSingleton<Gates.InstanceBudgets>();
        services.AddSingleton<PromptTokens>();
        services.TryAddSingleton<IRateCounter>(sp => new DatabaseRateCounter(sp.GetRequiredService<SqlDialect>(),
            sp.GetRequiredService<PortalConnection>().Provider, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CallLimits>();
    }

    /// <summary>The offline model, or an OpenAI-compatible endpoint when one is configured. The client's own retries are off:
    /// a refusal for rate (429) reaches the engine at once, which waits for the time it names instead of a thread sleeping.</summary>
    private static IChatClient CreateChatClient(ModelOptions models) =>
        string.IsNullOrWhiteSpace(models.Endpoint)
            ? new OfflineChatClient()
            : new OpenAI.Chat.ChatClient(models.Model, new System.ClientModel.ApiKeyCredential(models.ApiKey ?? "none"),
                new OpenAI.OpenAIClientOptions { Endpoint = new Uri(models.Endpoint), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0) })
                .AsIChatClient();

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
