using System.Text.Json;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>What Kestrel itself sees: the in-process test server has no request-line limit.</summary>
public sealed class ApiKestrelBadInputTests
{
    // Pitfall: Kestrel answers a request line over its limit (8 KiB by default) with an empty 414, before the app runs.
    [Fact]
    public async Task IdOf10000Characters_OverKestrel_AnswersProblemJson()
    {
        await using var factory = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = PortalFactory.NewDataFolder(), ["urls"] = "http://127.0.0.1:0",
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var key = await factory.Services.GetRequiredService<ApiKeys>().CreateAsync("agent", [ApiScopes.Read], "tests", TestContext.Current.CancellationToken);
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key.Key);

        var response = await client.GetAsync($"/api/v1/tasks/{new string('7', 10_000)}", TestContext.Current.CancellationToken);

        Assert.Equal(414, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Contains("4096", problem.GetProperty("detail").GetString());
    }
}
