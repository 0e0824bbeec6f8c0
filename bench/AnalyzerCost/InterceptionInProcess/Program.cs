// Times the NativeMemory interception generator (FioMemInterceptNativeMemory=true) and FIO003 (the same analysis, run
// alone through CompilationWithAnalyzers without concurrency) in one process, as process CPU time, against the compiler
// binding the same sources (GetDiagnostics on a fresh compilation built without concurrency): each binds the members it
// walks again through its own semantic models.
//
// Usage: AnalyzerCost.InterceptionInProcess <source-directory> [rounds] [--exe] [--emit <directory>] [--sdk-analyzers]
//
// --sdk-analyzers also times FIO003 in the company it has in a default build or the IDE: with the .NET SDK's own
// analyzers (Microsoft.CodeAnalysis.NetAnalyzers from the running SDK, rules as the SDK enables them by default), several
// of which ask the driver for every member's operation tree. FIO003's time there is what it adds to them.
//
// --emit writes what the generator produces with both FioMemInterceptNativeMemory and FioMemMigrationReport set (the
// interceptors, the interception report and the migration report) into the directory and times nothing: two builds of
// the generator must write the same bytes.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Collections.Immutable;
using FioMem;
using FioMem.Analyzers.Migration;
using FioMem.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: AnalyzerCost.InterceptionInProcess <source-directory> [rounds] [--exe] [--emit <directory>]");
    return 2;
}

int rounds = args.Length > 1 && int.TryParse(args[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int r) ? r : 3;
bool exe = args.Contains("--exe");
var sdkAnalyzers = args.Contains("--sdk-analyzers") ? SdkAnalyzers() : ImmutableArray<DiagnosticAnalyzer>.Empty;
var parseOptions = new CSharpParseOptions(LanguageVersion.Latest)
    .WithFeatures([new("InterceptorsNamespaces", NativeMemoryInterceptorGenerator.InterceptorsNamespace)]);
var trees = Directory.GetFiles(args[0], "*.cs").Order(StringComparer.Ordinal)
    .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parseOptions, path)).ToArray();
var references = ReferenceAssemblies().Append(typeof(FioMemory).Assembly.Location)
    .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();
Console.WriteLine($"{trees.Length} files, {trees.Sum(t => t.GetText().Lines.Count)} lines, {(exe ? "an executable" : "a library")}");

CSharpCompilation Fresh() => CSharpCompilation.Create("Probe", trees, references,
    new CSharpCompilationOptions(exe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, concurrentBuild: false));

int emitAt = Array.IndexOf(args, "--emit");
if (emitAt >= 0)
{
    if (emitAt + 1 >= args.Length)
    {
        Console.Error.WriteLine("--emit needs a directory");
        return 2;
    }

    string directory = Directory.CreateDirectory(args[emitAt + 1]).FullName;
    var emitted = CSharpGeneratorDriver.Create([new NativeMemoryInterceptorGenerator().AsSourceGenerator()],
            parseOptions: parseOptions, optionsProvider: new BuildProperties(enabled: true, migrationReport: true))
        .RunGenerators(Fresh()).GetRunResult().Results[0];
    foreach (var source in emitted.GeneratedSources)
    {
        File.WriteAllText(Path.Combine(directory, source.HintName), source.SourceText.ToString());
        Console.WriteLine($"wrote {source.HintName} ({source.SourceText.Length} characters)");
    }

    return 0;
}

var samples = new Dictionary<string, List<double>>();
for (int round = 0; round <= rounds; round++)
{
    double bind = Cpu(() => Fresh().GetDiagnostics());
    double off = Cpu(() => Run(Fresh(), enabled: false));
    string summary = string.Empty;
    double on = Cpu(() => summary = Run(Fresh(), enabled: true));
    var (reported, fio003) = RunFio003(Fresh());
    Console.WriteLine($"{(round == 0 ? "cold   " : "round " + round)}: compiler binding {bind:F2} s, generator with the property {on:F2} s, without {off:F3} s CPU ({summary}); FIO003 {fio003:F2} s ({reported} diagnostics)");
    if (!sdkAnalyzers.IsEmpty)
    {
        var (sdkAlone, _) = RunWith(Fresh(), sdkAnalyzers, fio003: false);
        var (sdkBeside, fio003Beside) = RunWith(Fresh(), sdkAnalyzers, fio003: true);
        Console.WriteLine($"         the SDK's analyzers {sdkAlone:F2} s alone, {sdkBeside:F2} s beside FIO003; FIO003 beside them {fio003Beside:F2} s");
        if (round > 0)
        {
            Add("sdk", sdkAlone);
            Add("fio003-beside", fio003Beside);
        }
    }
    if (round == 0)
        continue; // the first round JIT-compiles the compiler and the generator
    Add("bind", bind);
    Add("on", on);
    Add("off", off);
    Add("fio003", fio003);
}

Console.WriteLine($"medians over {rounds} warm rounds: compiler binding {Median("bind"):F2} s, generator with the property {Median("on"):F2} s " +
                  $"({100 * Median("on") / Median("bind"):F0}% of binding), without {Median("off"):F3} s; " +
                  $"FIO003 {Median("fio003"):F2} s ({100 * Median("fio003") / Median("bind"):F0}% of binding)");
if (!sdkAnalyzers.IsEmpty)
{
    Console.WriteLine($"beside the SDK's analyzers ({sdkAnalyzers.Length} of them, {Median("sdk"):F2} s, {100 * Median("sdk") / Median("bind"):F0}% of binding): " +
                      $"FIO003 {Median("fio003-beside"):F2} s ({100 * Median("fio003-beside") / Median("bind"):F0}% of binding)");
}

return 0;

// The time in the SDK's analyzers' actions and in FIO003's, run together (one action at a time) or the SDK's alone.
static (double Sdk, double Fio003) RunWith(CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> sdk, bool fio003)
{
    var analyzer = new NativeMemoryMigrationAnalyzer();
    var all = fio003 ? sdk.Add(analyzer) : sdk;
    var analyzers = compilation.WithAnalyzers(all,
        new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new BuildProperties(false)),
            onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
    _ = analyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    double sdkSeconds = sdk.Sum(a => analyzers.GetAnalyzerTelemetryInfoAsync(a, default).GetAwaiter().GetResult().ExecutionTime.TotalSeconds);
    double fio003Seconds = fio003 ? analyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).GetAwaiter().GetResult().ExecutionTime.TotalSeconds : 0;
    return (sdkSeconds, fio003Seconds);
}

// The running SDK's code-quality analyzers (the C# and language-neutral assemblies), as a default build loads them.
static ImmutableArray<DiagnosticAnalyzer> SdkAnalyzers()
{
    string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
    string root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
    string? folder = Directory.GetDirectories(Path.Combine(root, "sdk"))
        .Select(sdk => Path.Combine(sdk, "Sdks", "Microsoft.NET.Sdk", "analyzers"))
        .Where(Directory.Exists).OrderBy(path => path, StringComparer.Ordinal).LastOrDefault();
    if (folder is null)
        throw new InvalidOperationException("No SDK analyzers folder under " + Path.Combine(root, "sdk"));
    var loader = new SdkAnalyzerLoader();
    return new[] { "Microsoft.CodeAnalysis.NetAnalyzers.dll", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll" }
        .SelectMany(name => new AnalyzerFileReference(Path.Combine(folder, name), loader).GetAnalyzers(LanguageNames.CSharp))
        .ToImmutableArray();
}

static string Run(CSharpCompilation compilation, bool enabled)
{
    var driver = CSharpGeneratorDriver.Create([new NativeMemoryInterceptorGenerator().AsSourceGenerator()],
        parseOptions: (CSharpParseOptions)compilation.SyntaxTrees[0].Options,
        optionsProvider: new BuildProperties(enabled));
    var result = driver.RunGenerators(compilation).GetRunResult().Results[0];
    var report = result.GeneratedSources.FirstOrDefault(s => s.HintName == NativeMemoryInterceptorGenerator.ReportHintName);
    return report.SourceText is { } text ? text.Lines[0].ToString().TrimStart('/', ' ') : "nothing generated";
}

// FIO003 alone, one action at a time, as the IDE or dotnet format runs it (it is Info: command-line builds skip it):
// the time spent in its actions (the driver's own binding of the compilation, which any analyzer host does anyway, is
// not charged to it; the operation trees it asks for are).
static (int Reported, double Seconds) RunFio003(CSharpCompilation compilation)
{
    var analyzer = new NativeMemoryMigrationAnalyzer();
    var analyzers = compilation.WithAnalyzers([analyzer],
        new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new BuildProperties(false)),
            onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
    int reported = analyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Count(d => d.Id == "FIO003");
    return (reported, analyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).GetAwaiter().GetResult().ExecutionTime.TotalSeconds);
}

static double Cpu(Action action)
{
    var thread = Process.GetCurrentProcess();
    thread.Refresh();
    var before = thread.TotalProcessorTime;
    action();
    thread.Refresh();
    return (thread.TotalProcessorTime - before).TotalSeconds;
}

void Add(string key, double value)
{
    if (!samples.TryGetValue(key, out var list))
        samples[key] = list = new List<double>();
    list.Add(value);
}

double Median(string key)
{
    var sorted = samples[key].Order().ToList();
    int mid = sorted.Count / 2;
    return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// The reference pack of the running runtime's version line (dotnet/packs/Microsoft.NETCore.App.Ref/<version>/ref/net10.0).
static IEnumerable<string> ReferenceAssemblies()
{
    string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
    string root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
    string packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
    string version = Directory.GetDirectories(packs).Select(Path.GetFileName).Where(v => v!.StartsWith("10.", StringComparison.Ordinal))
        .OrderBy(v => Version.TryParse(v!.Split('-')[0], out var parsed) ? parsed : new Version()).Last()!;
    return Directory.GetFiles(Path.Combine(packs, version, "ref", "net10.0"), "*.dll");
}

/// <summary>The build properties the package's build file passes (build_property.*).</summary>
internal sealed class BuildProperties(bool enabled, bool migrationReport = false) : AnalyzerConfigOptionsProvider
{
    private static readonly Options s_empty = new([]);
    private readonly Options _global = new(new Dictionary<string, string>
    {
        ["build_property.FioMemInterceptNativeMemory"] = enabled ? "true" : "false",
        ["build_property.FioMemMigrationReport"] = migrationReport ? "true" : "false",
    });

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_empty;

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}

/// <summary>Loads the SDK's analyzer assemblies (and what they reference from their folder) into this process.</summary>
internal sealed class SdkAnalyzerLoader : IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath)
    {
    }

    public System.Reflection.Assembly LoadFromPath(string fullPath) =>
        System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
}
