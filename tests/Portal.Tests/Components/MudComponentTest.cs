using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>A bunit context with MudBlazor's services, set up as MudBlazor's own component tests do.</summary>
public abstract class MudComponentTest : BunitContext
{
    protected MudComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        AddServices(Services);
        // Last: any service registered after the first one is resolved throws.
        SetRendererInfo(new RendererInfo("Server", true));
    }

    /// <summary>Registers what the components under test need besides MudBlazor, before anything is resolved. Field
    /// initializers of the derived test have run by then; anything started later is reached through them.</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }
}
