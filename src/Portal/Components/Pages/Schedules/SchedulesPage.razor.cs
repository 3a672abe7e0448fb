using ApprovalPortal.Data.Schedules;
using ApprovalPortal.Engine.Definitions;
using ApprovalPortal.Engine.Triggers;
using ApprovalPortal.Portal.Schedules;
using ApprovalPortal.Portal.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace ApprovalPortal.Portal.Components.Pages.Schedules;

/// <summary>/schedules: every schedule and trigger with its next runs and the instances it started; pause, resume and
/// run now for operators and admins, and admins' own cron schedules created and edited. The rules live in the engine's
/// <see cref="ScheduleCommands"/>; this page only asks.</summary>
public sealed partial class SchedulesPage
{
    private IReadOnlyList<ScheduleView> _views = [];
    private IReadOnlyList<string> _definitions = [];
    private (bool Ok, string Text)? _message;
    private bool _busy;
    private bool _editing;
    private WorkflowSchedule? _edited;

    [Inject]
    private ScheduleBoard Board { get; set; } = default!;

    [Inject]
    private ScheduleCommands Commands { get; set; } = default!;

    [Inject]
    private DefinitionRegistry Registry { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> Authentication { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _definitions = Registry.All.Select(d => d.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        await ReloadAsync();
    }

    private async Task ReloadAsync() => _views = await Board.ListAsync();

    private static string KindText(ScheduleKind kind) => kind switch
    {
        ScheduleKind.Cron => "cron schedule",
        ScheduleKind.Condition => "condition trigger",
        _ => "event subscription",
    };

    private Task PauseAsync(WorkflowSchedule row) => ActAsync(by => Commands.PauseAsync(row.Id, by), $"{row.Name} is paused.");

    private Task ResumeAsync(WorkflowSchedule row) => ActAsync(by => Commands.ResumeAsync(row.Id, by), $"{row.Name} is resumed.");

    // One request id per click: a retried command starts the same instance, never a second one.
    private Task RunNowAsync(WorkflowSchedule row)
    {
        var request = Guid.NewGuid();
        return ActAsync(by => Commands.RunNowAsync(row.Id, request, by), $"{row.Name} started an instance now.");
    }

    private void Edit(WorkflowSchedule? row)
    {
        _edited = row;
        _editing = true;
        _message = null;
    }

    private async Task SavedAsync(string text)
    {
        _editing = false;
        _message = (true, text);
        await ReloadAsync();
    }

    private async Task ActAsync(Func<string, Task<ScheduleResult>> command, string done)
    {
        _busy = true;
        try
        {
            var by = PortalClaims.UserNameOf((await Authentication).User)!;
            _message = await command(by) switch
            {
                ScheduleResult.Done { InstanceId: { } id } => (true, $"{done} ({id})"),
                ScheduleResult.Done => (true, done),
                ScheduleResult.Refused refused => (false, refused.Reason),
                _ => (false, "It no longer exists."),
            };
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
