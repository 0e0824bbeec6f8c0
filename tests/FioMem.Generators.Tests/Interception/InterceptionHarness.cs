// Runs the NativeMemory interceptor generator over test source with chosen build properties.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using FioMem.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Generators.Tests.Interception;

/// <summary>Build properties as the compiler sees them (<c>build_property.*</c>).</summary>
internal sealed class BuildProperties : AnalyzerConfigOptionsProvider
{
    private readonly Options _global;

    public BuildProperties(params (string Name, string Value)[] properties) =>
        _global = new Options(properties.ToDictionary(p => "build_property." + p.Name, p => p.Value));

    public static BuildProperties Intercepting(string outputType = "Exe") =>
        new((NativeMemoryInterceptorGeneratorName, "true"), ("OutputType", outputType));

    public const string NativeMemoryInterceptorGeneratorName = "FioMemInterceptNativeMemory";

    /// <summary>The migration report alone, without interception.</summary>
    public static BuildProperties MigrationReport(string outputType = "Exe") =>
        new(("FioMemMigrationReport", "true"), ("OutputType", outputType));

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new([]);

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}

internal static class InterceptionHarness
{
    /// <summary>The parse options of a consumer of FioMem's package: interceptors allowed in FioMem's namespace.</summary>
    public static readonly CSharpParseOptions ParseOptions = GeneratorHarness.ParseOptions
        .WithFeatures([new("InterceptorsNamespaces", NativeMemoryInterceptorGenerator.InterceptorsNamespace)]);

    public static CSharpCompilation CreateCompilation(IEnumerable<(string Path, string Source)> sources, OutputKind kind = OutputKind.ConsoleApplication,
        CSharpParseOptions? parseOptions = null) =>
        CSharpCompilation.Create(
            "InterceptionInput",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, parseOptions ?? ParseOptions, s.Path)),
            GeneratorHarness.References,
            new CSharpCompilationOptions(kind, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable, deterministic: true));

    public static GeneratorDriver CreateDriver(BuildProperties properties, bool track = false, CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            generators: [new NativeMemoryInterceptorGenerator().AsSourceGenerator()],
            parseOptions: parseOptions ?? ParseOptions,
            optionsProvider: properties,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    public static GeneratorRun Run(CSharpCompilation compilation, BuildProperties properties)
    {
        GeneratorDriver driver = CreateDriver(properties, parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        ImmutableArray<(string, string)> generated = driver.GetRunResult().Results
            .SelectMany(r => r.GeneratedSources)
            .Select(s => (s.HintName, s.SourceText.ToString()))
            .ToImmutableArray();
        return new GeneratorRun(generated, output, diagnostics);
    }

    public static string Report(GeneratorRun run) =>
        run.Generated.Single(g => g.HintName == NativeMemoryInterceptorGenerator.ReportHintName).Text;

    public static string MigrationReport(GeneratorRun run) =>
        run.Generated.Single(g => g.HintName == NativeMemoryInterceptorGenerator.MigrationReportHintName).Text;

    public static string Interceptors(GeneratorRun run) =>
        run.Generated.SingleOrDefault(g => g.HintName == NativeMemoryInterceptorGenerator.InterceptorsHintName).Text ?? string.Empty;
}
