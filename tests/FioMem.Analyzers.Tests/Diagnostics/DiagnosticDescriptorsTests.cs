// Every descriptor links to its page in the repository, and the shipped release-tracking file lists every rule as shipped.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Xunit;

namespace FioMem.Analyzers.Tests.Diagnostics;

public class DiagnosticDescriptorsTests
{
    private static readonly DiagnosticDescriptor[] s_descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => field.GetValue(null))
        .OfType<DiagnosticDescriptor>()
        .ToArray();

    /// <summary>The repository root: the first folder up from the test binaries that holds FioMem.sln.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FioMem.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException("FioMem.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Every_help_link_is_the_rule_page_in_docs_diagnostics()
    {
        // Seven rules; FIO001 has a second message for memory of a heap.
        Assert.Equal(8, s_descriptors.Length);
        Assert.Equal(7, s_descriptors.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in s_descriptors)
        {
            Assert.Equal($"docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(RepositoryRoot(), descriptor.HelpLinkUri)), descriptor.HelpLinkUri + " does not exist");
        }
    }

    [Fact]
    public void Release_0_1_0_shipped_every_rule_with_its_category_and_severity()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "src", "FioMem.Analyzers", "AnalyzerReleases.Shipped.md"));
        var rows = lines
            .SkipWhile(line => line.Trim() != "## Release 0.1.0")
            .Where(line => line.StartsWith("FIO", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .ToDictionary(cells => cells[0]);

        Assert.Equal(s_descriptors.Select(d => d.Id).Distinct().OrderBy(id => id), rows.Keys.OrderBy(id => id));
        foreach (var descriptor in s_descriptors)
        {
            Assert.Equal(descriptor.Category, rows[descriptor.Id][1]);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), rows[descriptor.Id][2]);
        }
    }
}
