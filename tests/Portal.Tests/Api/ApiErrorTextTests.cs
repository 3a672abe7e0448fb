using System.Net.Http.Json;
using System.Text;
using ApprovalPortal.Data.Providers;
using ApprovalPortal.Portal.Api.Keys;
using Microsoft.EntityFrameworkCore;

namespace ApprovalPortal.Portal.Tests.Api;

/// <summary>A database's error text names tables, columns and values: it is logged, and the client gets a reference.</summary>
public sealed class ApiErrorTextTests
{
    private const string Secret = "secret-db-text-HumanTasks";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ApiPortal.Providers), MemberType = typeof(ApiPortal))]
    public async Task DecisionTheDatabaseRefuses_AnswersAReference_NotTheDatabaseText(DatabaseProvider provider)
    {
        await using var portal = ApiPortal.Start(provider);
        var agent = await portal.ClientWithAsync(ApiScopes.TasksWrite, ApiScopes.Read);
        var integration = await portal.ClientWithAsync(ApiScopes.TasksDecide, ApiScopes.Read);
        var id = (await ApiPortal.ReadAsync(await agent.PostAsJsonAsync("/api/v1/tasks", ApiPortal.Task(), Cancel))).GetProperty("id").GetGuid();
        await using (var db = portal.Db())
        {
            foreach (var sql in provider == DatabaseProvider.Postgres
                ? new[]
                {
                    $"CREATE FUNCTION refuse_decisions() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '{Secret}'; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER refuse_decisions BEFORE INSERT ON \"Decisions\" FOR EACH ROW EXECUTE FUNCTION refuse_decisions()",
                }
                : [$"CREATE TRIGGER refuse_decisions BEFORE INSERT ON \"Decisions\" BEGIN SELECT RAISE(ABORT, '{Secret}'); END"])
            {
                await db.Database.ExecuteSqlRawAsync(sql, Cancel);
            }
        }

        var response = await integration.PostAsync($"/api/v1/tasks/{id}/decision",
            new StringContent("{\"reviewer\":\"elena.fischer\",\"verb\":\"approve\"}", Encoding.UTF8, "application/json"), Cancel);

        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(422, (int)response.StatusCode);
        Assert.DoesNotContain(Secret, text);
        Assert.Matches("could not be stored \\(reference [0-9a-f]{12}\\)", text);
    }

    [Fact]
    public async Task UnexpectedFailure_Answers500ProblemWithACorrelationId_NotTheExceptionText()
    {
        await using var portal = ApiPortal.Start(DatabaseProvider.Sqlite);
        var client = await portal.ClientWithAsync(ApiScopes.Read);
        await using (var db = portal.Db())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"HumanTasks\" RENAME TO \"HumanTasksGone\"", Cancel);
        }

        var response = await client.GetAsync($"/api/v1/tasks/{Guid.NewGuid()}", Cancel);

        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("HumanTasks", text);
        Assert.DoesNotContain("SqliteException", text);
        var problem = await ApiPortal.ReadAsync(response);
        Assert.Contains(problem.GetProperty("correlationId").GetString()!, problem.GetProperty("detail").GetString());
    }
}
