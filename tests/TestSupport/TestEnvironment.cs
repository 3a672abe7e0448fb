using Xunit;

namespace ApprovalPortal.TestSupport;

/// <summary>
/// Where the tests find the services they need, from environment variables:
/// <list type="bullet">
/// <item><c>TEST_PG</c>: a PostgreSQL connection string without a database (each fixture creates and drops its own),
/// e.g. <c>Host=127.0.0.1;Port=55432;Username=postgres</c>.</item>
/// <item><c>TEST_CHROMIUM</c>: the Chromium executable for browser tests (default /usr/bin/chromium when it exists).</item>
/// <item><c>REQUIRE_ALL_TESTS=1</c>: a missing service fails the test instead of skipping it (CI sets this).</item>
/// </list>
/// </summary>
public static class TestEnvironment
{
    public static string? PostgresConnectionString => Value("TEST_PG");

    public static string? ChromiumPath =>
        Value("TEST_CHROMIUM") ?? (File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null);

    public static bool RequireAllTests => Value("REQUIRE_ALL_TESTS") == "1";

    /// <summary>Skips the current test with the reason, or fails it when every test is required to run.</summary>
    public static void Unavailable(string reason)
    {
        if (RequireAllTests)
        {
            Assert.Fail($"{reason} (REQUIRE_ALL_TESTS=1, so this is a failure, not a skip)");
        }
        Assert.Skip(reason);
    }

    private static string? Value(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
