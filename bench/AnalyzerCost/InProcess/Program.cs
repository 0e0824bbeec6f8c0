// Times FioMem's analyzers in one process, with the analyzers run one at a time, so that the time each one is
// charged is its own and not time spent waiting for a core (see ../README.md).
//
// Usage: AnalyzerCost.InProcess <csc-arguments-file> <project-directory> [rounds]
//   csc-arguments-file  the compiler's arguments, one per line, as measure.py captures them from a build
//   project-directory   the directory the arguments' relative paths start from
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: AnalyzerCost.InProcess <csc-arguments-file> <project-directory> [rounds]");
    return 2;
}

int rounds = args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
var parsed = CSharpCommandLineParser.Default.Parse(File.ReadAllLines(args[0]), args[1], sdkDirectory: null);
foreach (var error in parsed.Errors.Where(e => e.Severity == DiagnosticSeverity.Error))
    Console.Error.WriteLine(error);
if (parsed.Errors.Any(e => e.Severity == DiagnosticSeverity.Error))
    return 1;

var build = Build.From(parsed);
var fioMemPath = parsed.AnalyzerReferences.Select(r => r.FilePath).Single(p => Path.GetFileName(p) == "FioMem.Analyzers.dll");
var loader = new Loader();
var sdk = build.RunInBuild(parsed.AnalyzerReferences.Where(r => r.FilePath != fioMemPath).SelectMany(r => loader.Analyzers(r.FilePath)));
var fioMem = build.RunInBuild(loader.Analyzers(fioMemPath));
Console.WriteLine($"{build.Trees.Length} files; analyzers a command-line build runs (some Info-only ones are skipped): " +
                  $"{sdk.Length} of the SDK's, {fioMem.Length} of FioMem's ({string.Join(", ", fioMem.Select(a => a.GetType().Name))})");

// The first pass of each: the compiler and the SDK's analyzers warm up, then FioMem's analyzers run for the first time in
// this process, JIT-compiling as they go, as they do in every fresh csc process (the build server keeps them warm).
build.Emit();
build.Analyze(sdk);
var cold = build.Analyze(sdk.AddRange(fioMem));
Console.WriteLine($"first run of FioMem's analyzers in the process (cold): {cold.Time(fioMem):F3} s ({cold.PerAnalyzer(fioMem)})");

var samples = new Dictionary<string, List<double>>();
void Add(string key, double value)
{
    if (!samples.TryGetValue(key, out var list))
        samples[key] = list = new List<double>();
    list.Add(value);
}

for (int round = 1; round <= rounds; round++)
{
    var emit = build.Emit();
    Add("emit", emit);
    // Alternate the order so a machine getting busier or quieter favours neither configuration.
    var configurations = new[] { ("SDK only", sdk), ("SDK + FioMem", sdk.AddRange(fioMem)) };
    if (round % 2 == 0)
        Array.Reverse(configurations);
    foreach (var (name, analyzers) in configurations)
    {
        var run = build.Analyze(analyzers);
        Add(name, run.Cpu);
        if (name == "SDK + FioMem")
        {
            Add("FioMem", run.Time(fioMem));
            foreach (var analyzer in fioMem)
                Add(analyzer.GetType().Name, run.Time(ImmutableArray.Create(analyzer)));
        }

        Console.WriteLine($"round {round}: emit {emit:F2} s CPU; {name}: analysis {run.Cpu:F2} s CPU, {run.Diagnostics}; " +
                          $"all analyzers {run.Time(analyzers):F3} s" + (name == "SDK only" ? "" : $", FioMem's {run.PerAnalyzer(fioMem)}"));
    }
}

double Median(string key)
{
    var sorted = samples[key].OrderBy(x => x).ToList();
    int mid = sorted.Count / 2;
    return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

double compile = Median("emit") + Median("SDK only");
Console.WriteLine();
Console.WriteLine($"medians over {rounds} rounds (CPU seconds, one thread):");
Console.WriteLine($"  compile and emit                  {Median("emit"),7:F2}");
Console.WriteLine($"  analysis with the SDK's analyzers  {Median("SDK only"),7:F2}   (binds every member again for the semantic models)");
Console.WriteLine($"  analysis with SDK's + FioMem's     {Median("SDK + FioMem"),7:F2}");
Console.WriteLine($"  FioMem's analyzers, warm           {Median("FioMem"),7:F3}   = {100 * Median("FioMem") / compile:F1}% of compile + SDK analysis ({compile:F2} s)");
foreach (var analyzer in fioMem)
    Console.WriteLine($"    {analyzer.GetType().Name,-34}{Median(analyzer.GetType().Name),7:F3}");
Console.WriteLine($"  FioMem's analyzers, cold (once)    {cold.Time(fioMem),7:F3}   = {100 * cold.Time(fioMem) / compile:F1}% of the same");
return 0;

/// <summary>The compilation measure.py's build makes, rebuilt fresh (no bound state) for every timed run.</summary>
internal sealed class Build
{
    private readonly CSharpCompilationOptions _options;
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly AnalyzerOptions _analyzerOptions;

    private Build(ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references,
        CSharpCompilationOptions options, AnalyzerOptions analyzerOptions)
    {
        Trees = trees;
        _references = references;
        _options = options;
        _analyzerOptions = analyzerOptions;
    }

    public ImmutableArray<SyntaxTree> Trees { get; }

    public static Build From(CSharpCommandLineArguments parsed)
    {
        var trees = parsed.SourceFiles.AsParallel().AsOrdered()
            .Select(file => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(file.Path), Encoding.UTF8),
                parsed.ParseOptions, file.Path))
            .ToImmutableArray();
        var references = parsed.MetadataReferences
            .Select(r => (MetadataReference)MetadataReference.CreateFromFile(r.Reference))
            .ToImmutableArray();

        // The .editorconfig/.globalconfig files the SDK passes: their severities (AnalysisLevel's defaults among them)
        // go into the compilation options, their other keys to the analyzers.
        var configs = AnalyzerConfigSet.Create(parsed.AnalyzerConfigPaths
            .Select(path => AnalyzerConfig.Parse(File.ReadAllText(path), path)).ToList());
        var global = configs.GlobalConfigOptions;
        var options = parsed.CompilationOptions
            .WithSpecificDiagnosticOptions(parsed.CompilationOptions.SpecificDiagnosticOptions.SetItems(global.TreeOptions))
            .WithConcurrentBuild(false);
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty,
            new GlobalOptionsProvider(new DictionaryOptions(global.AnalyzerOptions)));
        return new Build(trees, references, options, analyzerOptions);
    }

    /// <summary>
    /// The analyzers a command-line build runs: it skips an analyzer whose every diagnostic is Info, Hidden or off
    /// after configuration (FIO003 and FIO007 are Info).
    /// </summary>
    public ImmutableArray<DiagnosticAnalyzer> RunInBuild(IEnumerable<DiagnosticAnalyzer> analyzers) =>
        analyzers.Where(a => a.SupportedDiagnostics.Any(IsWarningOrError)).ToImmutableArray();

    private bool IsWarningOrError(DiagnosticDescriptor descriptor)
    {
        var configured = _options.SpecificDiagnosticOptions.TryGetValue(descriptor.Id, out var value)
            ? value
            : descriptor.IsEnabledByDefault ? ReportDiagnostic.Default : ReportDiagnostic.Suppress;
        return configured is ReportDiagnostic.Error or ReportDiagnostic.Warn
            || (configured == ReportDiagnostic.Default && descriptor.DefaultSeverity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error);
    }

    /// <summary>Compiles and emits a fresh compilation on one thread; returns the process CPU seconds it took.</summary>
    public double Emit()
    {
        var compilation = Fresh();
        Settle();
        double start = Cpu();
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        if (!result.Success)
            throw new InvalidOperationException("the project does not compile: " + result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error));
        return Cpu() - start;
    }

    /// <summary>Runs <paramref name="analyzers"/> over a fresh compilation, one analyzer action at a time.</summary>
    public AnalysisRun Analyze(ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var compilation = Fresh().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            _analyzerOptions, onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        Settle();
        double start = Cpu();
        var diagnostics = compilation.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        double cpu = Cpu() - start;
        var times = analyzers.ToDictionary(a => a,
            a => compilation.GetAnalyzerTelemetryInfoAsync(a, default).GetAwaiter().GetResult().ExecutionTime.TotalSeconds);
        return new AnalysisRun(cpu, diagnostics, times);
    }

    private CSharpCompilation Fresh() => CSharpCompilation.Create("CostProbe", Trees, _references, _options);

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}

/// <summary>One timed analysis: the process CPU time, the diagnostics, and the time the driver charged each analyzer.</summary>
internal sealed class AnalysisRun(double cpu, ImmutableArray<Diagnostic> diagnostics, Dictionary<DiagnosticAnalyzer, double> times)
{
    public double Cpu { get; } = cpu;

    /// <summary>How many diagnostics were reported, FioMem's apart.</summary>
    public string Diagnostics =>
        $"{diagnostics.Count(d => d.Id.StartsWith("FIO", StringComparison.Ordinal))} FioMem diagnostics, " +
        $"{diagnostics.Count(d => !d.Id.StartsWith("FIO", StringComparison.Ordinal))} others";

    /// <summary>The execution time the driver logged for <paramref name="analyzers"/>, in seconds.</summary>
    public double Time(ImmutableArray<DiagnosticAnalyzer> analyzers) => analyzers.Sum(a => times[a]);

    public string PerAnalyzer(ImmutableArray<DiagnosticAnalyzer> analyzers) =>
        string.Join(", ", analyzers.Select(a => $"{a.GetType().Name} {times[a]:F3}"));
}

/// <summary>Loads each analyzer directory into a context of its own, as the compiler does.</summary>
internal sealed class Loader : IAnalyzerAssemblyLoader
{
    private readonly Dictionary<string, AssemblyLoadContext> _contexts = new();

    public ImmutableArray<DiagnosticAnalyzer> Analyzers(string path) =>
        new AnalyzerFileReference(path, this).GetAnalyzers(LanguageNames.CSharp);

    public void AddDependencyLocation(string fullPath)
    {
    }

    public Assembly LoadFromPath(string fullPath)
    {
        string directory = Path.GetDirectoryName(fullPath)!;
        if (!_contexts.TryGetValue(directory, out var context))
            _contexts[directory] = context = new AssemblyLoadContext(directory);
        return context.LoadFromAssemblyPath(fullPath);
    }
}

/// <summary>The global analyzer options (build properties and the like) for every file.</summary>
internal sealed class GlobalOptionsProvider(AnalyzerConfigOptions global) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions => global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => global;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => global;
}

internal sealed class DictionaryOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
{
    public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
        values.TryGetValue(key, out value);
}
