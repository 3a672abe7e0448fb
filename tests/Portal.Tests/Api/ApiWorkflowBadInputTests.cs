using System.Text;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Engine.Interventions;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>One portal with an instance waiting for its signal and one cancelled, for the whole corpus.</summary>
public sealed class ApiWorkflowBadInputFixture : IAsyncLifetime
{
    public ApiPortal Portal { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Guid Waiting { get; private set; }

    public Guid Cancelled { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        Client = Portal.Client((await Portal.KeyAsync([.. ApiScopes.All])).Key);
        Waiting = await Portal.WaitingInstanceAsync(subject: "waiting");
        Cancelled = await Portal.WaitingInstanceAsync(subject: "cancelled");
        await Portal.Services.GetRequiredService<InstanceCommands>().CancelAsync(Cancelled, new Intervention("tests", "set up"));
    }

    public async ValueTask DisposeAsync() => await Portal.DisposeAsync();
}

/// <summary>Bad input for the workflow endpoints: each answer is a 4xx problem+json (never a 500) and the database is unchanged.</summary>
public sealed class ApiWorkflowBadInputTests(ApiWorkflowBadInputFixture fixture) : IClassFixture<ApiWorkflowBadInputFixture>
{
    private const string Json = "application/json";
    private const string Workflows = "/api/v1/workflows";
    private const string Injection = "'; DROP TABLE \\\"WorkflowInstances\\\"; -- <script>alert(1)</script>";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Start(string fields) => "{\"definition\":\"" + SignalWaitWorkflow.DefinitionName + "\",\"input\":{\"subject\":\"x\"}" + fields + "}";

    public static TheoryData<string, string, string, string?, string?> Corpus()
    {
        var data = new TheoryData<string, string, string, string?, string?>();
        void Post(string name, string path, string? body, string? type = Json) => data.Add(name, "POST", path, body, type);
        void Get(string name, string path) => data.Add(name, "GET", path, null, null);

        // Starting.
        Post("start empty body", Workflows, "");
        Post("start malformed", Workflows, "{\"definition\":");
        Post("start array", Workflows, "[]");
        Post("start null", Workflows, "null");
        Post("start empty object", Workflows, "{}");
        Post("start no input", Workflows, "{\"definition\":\"" + SignalWaitWorkflow.DefinitionName + "\"}");
        Post("start input null", Workflows, "{\"definition\":\"" + SignalWaitWorkflow.DefinitionName + "\",\"input\":null}");
        Post("start no definition", Workflows, "{\"input\":{}}");
        Post("start definition number", Workflows, "{\"definition\":7,\"input\":{}}");
        Post("start definition blank", Workflows, "{\"definition\":\"  \",\"input\":{}}");
        Post("start definition too long", Workflows, "{\"definition\":\"" + new string('d', 201) + "\",\"input\":{}}");
        Post("start definition control character", Workflows, "{\"definition\":\"a\\u0001b\",\"input\":{}}");
        Post("start unknown definition", Workflows, "{\"definition\":\"no-such-workflow\",\"input\":{}}");
        Post("start definition injection", Workflows, "{\"definition\":\"" + Injection + "\",\"input\":{}}");
        Post("start unknown version", Workflows, Start(",\"version\":99"));
        Post("start version zero", Workflows, Start(",\"version\":0"));
        Post("start version text", Workflows, Start(",\"version\":\"latest\""));
        Post("start version fraction", Workflows, Start(",\"version\":1.5"));
        Post("start input of the wrong shape", Workflows, "{\"definition\":\"" + SignalWaitWorkflow.DefinitionName + "\",\"input\":{\"subject\":{\"a\":1}}}");
        Post("start input a string", Workflows, "{\"definition\":\"" + SignalWaitWorkflow.DefinitionName + "\",\"input\":\"go\"}");
        Post("start input an array", Workflows, "{\"definition\":\"" + SignalWaitWorkflow.DefinitionName + "\",\"input\":[1,2]}");
        Post("start expense claim amount text", Workflows, "{\"definition\":\"expense-claim\",\"input\":{\"claim\":{\"amount\":\"a lot\"}}}");
        Post("start businessKey number", Workflows, Start(",\"businessKey\":5"));
        Post("start businessKey too long", Workflows, Start(",\"businessKey\":\"" + new string('k', 257) + "\""));
        Post("start businessKey blank", Workflows, Start(",\"businessKey\":\" \""));
        Post("start priority too high", Workflows, Start(",\"priority\":5000"));
        Post("start priority text", Workflows, Start(",\"priority\":\"high\""));
        Post("start unknown field", Workflows, Start(",\"instanceId\":\"" + Guid.NewGuid() + "\""));
        Post("start unknown field startedBy", Workflows, Start(",\"startedBy\":\"ada.admin\""));
        Post("start duplicate field", Workflows, Start(",\"definition\":\"expense-claim\""));
        Post("start input nested 100 deep", Workflows, "{\"definition\":\"x\",\"input\":" + string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)) + "}");
        Post("start text/plain", Workflows, Start(""), "text/plain");
        Post("start no content type", Workflows, Start(""), null);

        // Signals.
        var signal = $"{Workflows}/{{wf}}/signals/go";
        Post("signal malformed", signal, "{\"payload\":");
        Post("signal unknown field", signal, "{\"payload\":1,\"name\":\"other\"}");
        Post("signal array body", signal, "[]");
        Post("signal text/plain", signal, "{}", "text/plain");
        Post("signal unknown instance", $"{Workflows}/{Guid.NewGuid()}/signals/go", "{}");
        Post("signal id not a guid", $"{Workflows}/not-a-guid/signals/go", "{}");
        Post("signal id injection", $"{Workflows}/1'%20OR%20'1'='1/signals/go", "{}");
        Post("signal name blank", $"{Workflows}/{{wf}}/signals/%20", "{}");
        Post("signal name too long", $"{Workflows}/{{wf}}/signals/{new string('n', 201)}", "{}");
        Post("signal name control character", $"{Workflows}/{{wf}}/signals/a%01b", "{}");
        Post("signal to a cancelled instance", $"{Workflows}/{{done}}/signals/go", "{}");
        Post("signal without a name", $"{Workflows}/{{wf}}/signals/", "{}");

        // Interventions.
        foreach (var verb in new[] { "pause", "resume", "cancel" })
        {
            var path = $"{Workflows}/{{wf}}/{verb}";
            Post($"{verb} empty body", path, "");
            Post($"{verb} empty object (no reason)", path, "{}");
            Post($"{verb} reason blank", path, "{\"reason\":\"   \"}");
            Post($"{verb} reason null", path, "{\"reason\":null}");
            Post($"{verb} reason number", path, "{\"reason\":42}");
            Post($"{verb} reason too long", path, "{\"reason\":\"" + new string('r', 2001) + "\"}");
            Post($"{verb} unknown field", path, "{\"reason\":\"x\",\"actor\":\"ada.admin\"}");
            Post($"{verb} unknown instance", $"{Workflows}/{Guid.NewGuid()}/{verb}", "{\"reason\":\"x\"}");
            Post($"{verb} form encoded", path, "reason=x", "application/x-www-form-urlencoded");
        }
        Post("resume an instance that is not paused", $"{Workflows}/{{wf}}/resume", "{\"reason\":\"x\"}");
        Post("pause a cancelled instance", $"{Workflows}/{{done}}/pause", "{\"reason\":\"x\"}");
        Post("cancel a cancelled instance", $"{Workflows}/{{done}}/cancel", "{\"reason\":\"x\"}");
        Post("reason injection on an unknown instance", $"{Workflows}/{Guid.NewGuid()}/cancel", "{\"reason\":\"" + Injection + "\"}");

        // Reads.
        Get("workflow unknown", $"{Workflows}/{Guid.NewGuid()}");
        Get("workflow id not a guid", $"{Workflows}/12345");
        Get("workflow id injection", $"{Workflows}/1%27%20OR%201=1--");
        Get("workflow id traversal", $"{Workflows}/..%2f..%2fetc%2fpasswd");
        Get("events of unknown workflow", $"{Workflows}/{Guid.NewGuid()}/events");
        Get("events limit zero", $"{Workflows}/{{wf}}/events?limit=0");
        Get("events limit too big", $"{Workflows}/{{wf}}/events?limit=201");
        Get("events limit text", $"{Workflows}/{{wf}}/events?limit=all");
        Get("events limit negative", $"{Workflows}/{{wf}}/events?limit=-5");
        Get("events after negative", $"{Workflows}/{{wf}}/events?after=-1");
        Get("events after text", $"{Workflows}/{{wf}}/events?after=start");
        Get("events after fraction", $"{Workflows}/{{wf}}/events?after=1.5");
        Get("events after overflow", $"{Workflows}/{{wf}}/events?after=99999999999999999999999");
        Get("events after injection", $"{Workflows}/{{wf}}/events?after=1%20OR%201=1");
        Get("list of workflows (not offered)", Workflows);
        data.Add("delete workflow", "DELETE", $"{Workflows}/{{wf}}", null, null);
        data.Add("put workflow", "PUT", $"{Workflows}/{{wf}}", "{}", Json);
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task BadInput_Answers4xxProblem_AndChangesNothing(string name, string method, string path, string? body, string? contentType)
    {
        var portal = fixture.Portal;
        using var request = new HttpRequestMessage(new HttpMethod(method),
            path.Replace("{wf}", fixture.Waiting.ToString()).Replace("{done}", fixture.Cancelled.ToString()));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            }
        }
        var before = await portal.CountsAsync();

        var response = await fixture.Client.SendAsync(request, Cancel);

        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{name}: answered {status}: {await response.Content.ReadAsStringAsync(Cancel)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await portal.CountsAsync());
    }

    [Fact]
    public void Corpus_HasAtLeast40Requests() => Assert.True(Corpus().Count >= 40, $"{Corpus().Count} requests");

    [Fact]
    public async Task MissingReason_IsNamedInTheProblem()
    {
        var response = await fixture.Client.PostAsync($"{Workflows}/{fixture.Waiting}/pause", new StringContent("{}", Encoding.UTF8, Json), Cancel);

        var problem = await ApiPortal.ReadAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _), problem.ToString());
    }
}
