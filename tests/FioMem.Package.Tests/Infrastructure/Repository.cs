// Where the repository is and which version it builds, as the test assembly was told at build time.
using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace FioMem.Package.Tests.Infrastructure;

internal static class Repository
{
    /// <summary>The repository root, baked in by the project file (the tests read templates and pack from it).</summary>
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FioMem.RepositoryRoot").Value!;

    /// <summary>The configuration this test assembly was built in; the package is packed in the same one, so under
    /// <c>dotnet test -c Release</c> the pack reuses the solution's build.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The <c>&lt;Version&gt;</c> from Directory.Build.props: the package's version.</summary>
    public static string Version { get; } = ReadVersion();

    public static string RuntimeProject => Path.Combine(Root, "src", "FioMem.Runtime");

    public static string ConsumerTemplates => Path.Combine(Root, "tests", "FioMem.Package.Tests", "Consumer");

    private static string ReadVersion() => Property("Version");

    /// <summary>A property of Directory.Build.props, as written there.</summary>
    public static string Property(string name)
    {
        XDocument props = XDocument.Load(Path.Combine(Root, "Directory.Build.props"));
        return props.Descendants(name).Select(e => e.Value.Trim()).SingleOrDefault()
            ?? throw new InvalidOperationException($"Directory.Build.props has no <{name}>.");
    }
}
