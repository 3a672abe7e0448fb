using ApprovalPortal.Engine;
using ApprovalPortal.Portal.Samples.CustomerReplies;
using ApprovalPortal.Portal.Samples.DataChanges;
using ApprovalPortal.Portal.Samples.ExpenseClaims;
using ApprovalPortal.Portal.Samples.Seeding;

namespace ApprovalPortal.Portal.Samples;

public static class SampleAgents
{
    /// <summary>The three shipped agents (expense claims, customer replies, production data changes), their
    /// tools, and the escalation policy large expense claims name.</summary>
    public static EngineBuilder AddSampleAgents(this EngineBuilder engine)
    {
        engine.Services.AddHostedService<FinanceLeadPolicy>();
        return engine
            .AddWorkflow<ExpenseClaimWorkflow>()
            .AddWorkflow<CustomerReplyWorkflow>()
            .AddWorkflow<ProductionDataChangeWorkflow>()
            .AddTool<PaymentsTool>()
            .AddTool<EmailTool>()
            .AddTool<DataApplyTool>();
    }

    /// <summary>When Seed:SampleWorkflows is true, fills an empty database with sample instances at start-up.
    /// Register after the engine, so that it runs once the engine has started.</summary>
    public static IServiceCollection AddSampleSeeding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
        if (configuration.GetSection(SeedOptions.Section).Get<SeedOptions>() is { SampleWorkflows: true })
        {
            services.AddSingleton<SampleSeeder>();
            services.AddHostedService<SampleSeedingService>();
        }
        return services;
    }
}
