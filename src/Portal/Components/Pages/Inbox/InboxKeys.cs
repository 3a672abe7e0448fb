using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace ApprovalPortal.Portal.Components.Pages.Inbox;

/// <summary>The inbox's single-key shortcuts: listens on the document once the page is interactive and hands each
/// key on. It renders nothing.</summary>
public sealed class InboxKeys : ComponentBase, IAsyncDisposable
{
    private DotNetObjectReference<InboxKeys>? _self;
    private IJSObjectReference? _keys;

    [Inject] private IJSRuntime JS { get; set; } = null!;

    /// <summary>Receives each shortcut key pressed outside a text field ("j", "k", "a", "r", "e", "x", "?", "Enter", "Escape").</summary>
    [Parameter]
    public EventCallback<string> OnKey { get; set; }

    /// <summary>Called by the keyboard script.</summary>
    [JSInvokable]
    public Task OnKeyAsync(string key) => InvokeAsync(() => OnKey.InvokeAsync(key));

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _self = DotNetObjectReference.Create(this);
            var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/inbox-keys.js");
            _keys = await module.InvokeAsync<IJSObjectReference>("attach", _self);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_keys is not null)
        {
            try
            {
                await _keys.InvokeVoidAsync("detach");
                await _keys.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the page and its listener.
            }
        }
        _self?.Dispose();
    }
}
