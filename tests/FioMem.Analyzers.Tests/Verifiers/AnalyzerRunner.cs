// Runs analyzers directly through CompilationWithAnalyzers, recording analyzer exceptions instead of hiding them.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.Verifiers;

internal static class AnalyzerRunner
{
    /// <summary>The result of one run: every diagnostic (compiler and analyzer) and every exception an analyzer threw.</summary>
    public sealed record Result(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<(DiagnosticAnalyzer Analyzer, Exception Exception)> Exceptions);

    /// <summary>Compiles <paramref name="source"/> as an unsafe library (broken code compiles too, with errors).</summary>
    public static CSharpCompilation Compile(string source, bool referenceFioMem = true) =>
        CSharpCompilation.Create(
            "AnalyzerRunnerTest",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Test0.cs")],
            referenceFioMem ? TestReferences.WithFioMem : TestReferences.WithoutFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));

    /// <summary>Runs <paramref name="analyzers"/> over <paramref name="compilation"/>, concurrently, as the compiler does.</summary>
    public static async Task<Result> RunAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var exceptions = new ConcurrentQueue<(DiagnosticAnalyzer, Exception)>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue((analyzer, exception)),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync();
        return new Result(diagnostics, exceptions.ToList());
    }

    /// <summary>Asserts the value of <paramref name="property"/> on each diagnostic of <paramref name="analyzer"/>, in source order.</summary>
    public static async Task AssertPropertiesAsync(DiagnosticAnalyzer analyzer, string source, string property, string?[] expected)
    {
        var result = await RunAsync(Compile(source), [analyzer]);
        Assert.Empty(result.Exceptions);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).ToHashSet();
        var actual = result.Diagnostics
            .Where(d => ids.Contains(d.Id))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => d.Properties.TryGetValue(property, out var value) ? value : null)
            .ToArray();
        Assert.Equal(expected, actual);
    }
}
