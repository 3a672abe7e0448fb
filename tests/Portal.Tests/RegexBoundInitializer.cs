using System.Runtime.CompilerServices;
using ApprovalPortal.Portal.Hosting;

namespace ApprovalPortal.Portal.Tests;

/// <summary>The test process hosts the portal (and renders its components) without running Program first, and .NET reads
/// the default Regex timeout once, at the first Regex: so the bound is set before any test code runs.</summary>
internal static class RegexBoundInitializer
{
    [ModuleInitializer]
    internal static void Apply() => RegexBound.ApplyProcessWide();
}
