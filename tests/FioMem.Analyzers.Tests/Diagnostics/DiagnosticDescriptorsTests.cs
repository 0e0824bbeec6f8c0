// Every descriptor links to its page on the project's repository, and the release-tracking files list every rule.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.Diagnostics;

public class DiagnosticDescriptorsTests
{
    private static readonly DiagnosticDescriptor[] s_descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => field.GetValue(null))
        .OfType<DiagnosticDescriptor>()
        .ToArray();

    /// <summary>Every descriptor any analyzer in FioMem.Analyzers says it reports.</summary>
    private static readonly DiagnosticDescriptor[] s_supported = typeof(DiagnosticDescriptors).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
            && type.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
        .SelectMany(type => ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
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

    /// <summary>A property of the repository's Directory.Build.props.</summary>
    private static string BuildProperty(string name) =>
        XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Build.props")).Descendants(name).Single().Value.Trim();

    [Fact]
    public void Every_analyzer_reports_only_descriptors_from_the_one_list_and_every_descriptor_is_reported()
    {
        // Eight rules; FIO001 has a second message for memory of a heap.
        Assert.Equal(9, s_descriptors.Length);
        Assert.Equal(8, s_descriptors.Select(d => d.Id).Distinct().Count());
        Assert.Equal(s_descriptors.Select(d => d.Id).Distinct().Order(), s_supported.Select(d => d.Id).Distinct().Order());
        Assert.All(s_supported, d => Assert.Contains(d, s_descriptors));
    }

    [Fact]
    public void Every_help_link_is_the_absolute_address_of_an_existing_rule_page_on_the_repository()
    {
        string repository = BuildProperty("RepositoryUrl");
        string branch = BuildProperty("RepositoryBranch");
        Assert.StartsWith("https://", repository);
        foreach (var descriptor in s_supported)
        {
            string expected = $"{repository}/blob/{branch}/docs/diagnostics/{descriptor.Id}.md";
            Assert.Equal(expected, descriptor.HelpLinkUri);
            Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out _), descriptor.HelpLinkUri + " is not absolute");
            string page = Path.Combine(RepositoryRoot(), "docs", "diagnostics", descriptor.Id + ".md");
            Assert.True(File.Exists(page), page + " does not exist");
        }
    }

    [Fact]
    public void No_message_or_description_names_a_path_of_the_repository()
    {
        foreach (var descriptor in s_descriptors)
        {
            foreach (string text in new[] { descriptor.MessageFormat.ToString(), descriptor.Description.ToString(), descriptor.Title.ToString() })
                Assert.DoesNotContain("docs/", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_release_files_list_every_rule_once_with_its_category_and_severity()
    {
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(file => File.ReadAllLines(Path.Combine(RepositoryRoot(), "src", "FioMem.Analyzers", file)))
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
