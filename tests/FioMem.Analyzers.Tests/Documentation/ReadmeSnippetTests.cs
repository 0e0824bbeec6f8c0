// Every C# block of the README and of the package READMEs compiles as written: as the Program.cs of a new project
// (top-level statements, the implicit usings of `dotnet new web`, AllowUnsafeBlocks as the quick start says), with
// FioMem's generator run and its analyzers reporting no warning.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.Documentation;

public class ReadmeSnippetTests
{
    /// <summary>The documents whose C# blocks a user copies.</summary>
    private static readonly string[] s_documents = ["README.md", "src/FioMem.Runtime/PACKAGE.md", "src/FioMem.AspNetCore/PACKAGE.md"];

    /// <summary>Put on the line before a block that is deliberately a fragment (with the reason); the test skips it.</summary>
    private const string FragmentMarker = "<!-- snippet: fragment";

    /// <summary>What Microsoft.NET.Sdk.Web adds as global usings when ImplicitUsings is on (the default of new projects).</summary>
    private const string ImplicitUsings = """
        global using global::Microsoft.AspNetCore.Builder;
        global using global::Microsoft.AspNetCore.Hosting;
        global using global::Microsoft.AspNetCore.Http;
        global using global::Microsoft.AspNetCore.Routing;
        global using global::Microsoft.Extensions.Configuration;
        global using global::Microsoft.Extensions.DependencyInjection;
        global using global::Microsoft.Extensions.Hosting;
        global using global::Microsoft.Extensions.Logging;
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Net.Http.Json;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static TheoryData<string, int> Blocks()
    {
        TheoryData<string, int> data = new();
        foreach (string document in s_documents)
        {
            foreach ((int line, _) in CSharpBlocks(document))
                data.Add(document, line);
        }

        return data;
    }

    [Fact]
    public void The_quick_start_says_the_project_needs_unsafe_code_and_its_blocks_are_found()
    {
        Assert.True(CSharpBlocks("README.md").Count >= 3, "the README's C# blocks were not found");
        Assert.True(CSharpBlocks("src/FioMem.Runtime/PACKAGE.md").Count >= 2, "the package README's C# blocks were not found");
        foreach (string document in s_documents.Take(2))
            Assert.Contains("<AllowUnsafeBlocks>true</AllowUnsafeBlocks>", File.ReadAllText(Path.Combine(RepositoryRoot(), document)));
        int fragments = s_documents.Sum(d => File.ReadAllText(Path.Combine(RepositoryRoot(), d)).Split(FragmentMarker).Length - 1);
        Assert.True(fragments <= 2, $"{fragments} blocks are marked as fragments: show users code that compiles");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task Block_compiles_as_the_program_of_a_new_project(string document, int line)
    {
        string code = CSharpBlocks(document).Single(b => b.Line == line).Code;
        CSharpParseOptions parse = new(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet",
            [
                CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "GlobalUsings.g.cs", Encoding.UTF8),
                CSharpSyntaxTree.ParseText(code, parse, "Program.cs", Encoding.UTF8),
            ],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create([new FioAllocatedGenerator().AsSourceGenerator()], parseOptions: parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation generated, out _);

        ImmutableArray<DiagnosticAnalyzer> analyzers = typeof(DiagnosticDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        ImmutableArray<Diagnostic> diagnostics = await generated.WithAnalyzers(analyzers).GetAllDiagnosticsAsync(CancellationToken.None);

        Diagnostic[] problems = diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath != "GlobalUsings.g.cs")
            .ToArray();
        Assert.True(problems.Length == 0,
            $"{document}, block at line {line}, does not compile as written:\n{string.Join("\n", problems.Select(p => p.ToString()))}\n---\n{code}");
    }

    /// <summary>The shared framework's assemblies this test runs on (.NET and ASP.NET Core), FioMem and FioMem.AspNetCore.</summary>
    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path =>
            {
                string name = Path.GetFileNameWithoutExtension(path);
                return name is "mscorlib" or "netstandard" or "Microsoft.AspNetCore" or "FioMem" or "FioMem.AspNetCore"
                    || ((name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)
                        || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal))
                        && Path.GetDirectoryName(path)!.Contains(Path.Combine("shared", "Microsoft."), StringComparison.Ordinal));
            })
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    /// <summary>The ```csharp blocks of <paramref name="document"/> with the line of their opening fence, fragments
    /// (marked on the line before) left out.</summary>
    private static List<(int Line, string Code)> CSharpBlocks(string document)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), document));
        List<(int, string)> blocks = new();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
                continue;
            int start = i;
            StringBuilder code = new();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
                code.AppendLine(lines[i]);
            bool fragment = start > 0 && lines[start - 1].TrimStart().StartsWith(FragmentMarker, StringComparison.Ordinal);
            if (!fragment)
                blocks.Add((start + 1, code.ToString()));
        }

        return blocks;
    }

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
}
