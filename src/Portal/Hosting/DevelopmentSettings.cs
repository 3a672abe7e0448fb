using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ApprovalPortal.Portal.Hosting;

internal static class DevelopmentSettings
{
    private const string FileName = "appsettings.Development.json";

    /// <summary>In Development, loads the repository's root appsettings.Development.json (the embedded
    /// default's settings) right after the project's own one, so that environment variables and the
    /// command line still override it.</summary>
    public static WebApplicationBuilder AddRepositoryDevelopmentSettings(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return builder;
        }
        var repositoryRoot = FindRepositoryRoot(builder.Environment.ContentRootPath);
        if (repositoryRoot is null)
        {
            return builder;
        }
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        var projectFile = sources.OfType<JsonConfigurationSource>().LastOrDefault(s => s.Path == FileName);
        var position = projectFile is null ? sources.OfType<JsonConfigurationSource>().Count() : sources.IndexOf(projectFile) + 1;
        sources.Insert(position, new JsonConfigurationSource
        {
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(repositoryRoot),
        });
        return builder;
    }

    private static string? FindRepositoryRoot(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ApprovalPortal.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
