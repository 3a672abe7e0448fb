using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;

namespace ApprovalPortal.Portal.Tests.Components;

/// <summary>A bunit context with MudBlazor's services, set up as MudBlazor's own component tests do.</summary>
public abstract class MudComponentTest : BunitContext
{
    protected MudComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // Last: any service registered after the first one is resolved throws.
        SetRendererInfo(new RendererInfo("Server", true));
    }
}
