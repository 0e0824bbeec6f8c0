// Builds the three variants of a set of programs into one assembly each: as written, migrated by FIO003's code fix
// (Fix All over every FIO003 diagnostic, as `dotnet format analyzers --diagnostics FIO003 --severity info` does), and
// compiled with the NativeMemory interceptor generator on. A compile error or a FIO002 diagnostic in a variant is a
// problem of the program whose file it is in.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Migration;
using FioMem.Analyzers.MismatchedRelease;
using FioMem.CodeFixes.Migration;
using FioMem.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace FioMem.Migration.Fuzz.Running;

internal enum Variant
{
    AsWritten,
    Migrated,
    Intercepted,
}

/// <summary>Something wrong with one program (or, with <see cref="Program"/> "*", with the whole build) in one variant and mode.</summary>
internal sealed record Problem(string Program, Variant Variant, string Mode, string Kind, string Detail)
{
    public override string ToString() => $"{Variant}/{Mode}: {Kind}: {Detail}";
}

/// <summary>One variant's assembly and sources.</summary>
internal sealed class BuiltVariant
{
    public BuiltVariant(Variant variant) => Variant = variant;

    public Variant Variant { get; }

    public string? AssemblyPath { get; set; }

    /// <summary>Each program file's text in this variant (the migrated text for <see cref="Variant.Migrated"/>).</summary>
    public Dictionary<string, string> Sources { get; } = new(StringComparer.Ordinal);

    /// <summary>The generated interceptors (the intercepted variant) or the FIO003 diagnostics (the migrated one).</summary>
    public string Notes { get; set; } = string.Empty;

    public List<Problem> Problems { get; } = new();

    /// <summary>How long the build took (shown, never asserted).</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>Programs left out of the assembly because they did not compile in this variant.</summary>
    public HashSet<string> Excluded { get; } = new(StringComparer.Ordinal);
}

internal static class Variants
{
    private const string EntryFile = "Entry.cs";

    private const string EntrySource = "internal static class FuzzEntry\n{\n    private static void Main()\n    {\n    }\n}\n";

    public static readonly ImmutableArray<MetadataReference> References =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(FioMemory).Assembly.Location))
            .ToImmutableArray();

    /// <summary>Latest C#, interceptors allowed in the generator's namespace (as FioMem's build file allows them).</summary>
    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Latest)
        .WithFeatures([new("InterceptorsNamespaces", NativeMemoryInterceptorGenerator.InterceptorsNamespace)]);

    /// <summary>An executable, as FIO003 treats it: no other assembly calls its members (the runner only calls Run()).</summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.ConsoleApplication,
        allowUnsafe: true,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true);

    public static async Task<BuiltVariant> BuildAsync(Variant variant, IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, string> programOfFile,
        string directory, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var built = new BuiltVariant(variant);
        if (variant == Variant.Migrated)
        {
            await MigrateAsync(files, built, programOfFile, cancellationToken);
        }
        else
        {
            foreach (var (file, text) in files)
                built.Sources[file] = text;
        }

        // A program that does not compile is left out of the assembly (once), so the others still run.
        string mode = "build";
        var compiled = new Dictionary<string, string>(built.Sources, StringComparer.Ordinal);
        Compilation compilation;
        List<Diagnostic> errors;
        while (true)
        {
            compilation = variant == Variant.Intercepted ? Intercept(Compile(compiled), built) : Compile(compiled);
            errors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            foreach (var error in errors)
                built.Problems.Add(new Problem(ProgramOf(error, programOfFile), variant, mode, "compile error", Show(error)));
            var broken = errors.Select(e => e.Location.SourceTree?.FilePath).OfType<string>().Where(compiled.ContainsKey).Distinct().ToList();
            if (errors.Count == 0 || broken.Count == 0 || built.Excluded.Count > 0)
                break;
            foreach (var file in broken)
            {
                compiled.Remove(file);
                built.Excluded.Add(programOfFile[file]);
            }
        }

        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, a, _) => exceptions.Enqueue(a.GetType().Name + ": " + e), concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var fio002 = await compilation.WithAnalyzers([new MismatchedReleaseAnalyzer()], options).GetAnalyzerDiagnosticsAsync(cancellationToken);
        foreach (var diagnostic in fio002.Where(d => d.Id == "FIO002"))
            built.Problems.Add(new Problem(ProgramOf(diagnostic, programOfFile), variant, mode, "FIO002", Show(diagnostic)));
        foreach (var exception in exceptions)
            built.Problems.Add(new Problem("*", variant, mode, "analyzer exception", exception));

        if (errors.Count == 0)
        {
            Directory.CreateDirectory(directory);
            built.AssemblyPath = Path.Combine(directory, variant + ".dll");
            var emitted = compilation.Emit(built.AssemblyPath, cancellationToken: cancellationToken);
            if (!emitted.Success)
            {
                built.AssemblyPath = null;
                built.Problems.Add(new Problem("*", variant, mode, "emit failed", string.Join("\n", emitted.Diagnostics)));
            }
        }

        built.Elapsed = clock.Elapsed;
        return built;
    }

    public static CSharpCompilation Compile(IReadOnlyDictionary<string, string> files) =>
        CSharpCompilation.Create(
            "FuzzPrograms",
            files.OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => CSharpSyntaxTree.ParseText(SourceText.From(f.Value, Encoding.UTF8), ParseOptions, f.Key))
                .Append(CSharpSyntaxTree.ParseText(SourceText.From(EntrySource, Encoding.UTF8), ParseOptions, EntryFile)),
            References,
            CompilationOptions);

    // The generator as a project with FioMemInterceptNativeMemory=true builds with it.
    private static Compilation Intercept(CSharpCompilation compilation, BuiltVariant built)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            generators: [new NativeMemoryInterceptorGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            optionsProvider: new BuildProperties(("FioMemInterceptNativeMemory", "true"), ("OutputType", "Exe")));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        foreach (var diagnostic in diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning))
            built.Problems.Add(new Problem("*", Variant.Intercepted, "build", "generator diagnostic", diagnostic.ToString()));
        built.Notes = string.Join("\n", driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources)
            .Where(s => s.HintName == NativeMemoryInterceptorGenerator.InterceptorsHintName)
            .Select(s => s.SourceText.ToString()));
        return output;
    }

    // FIO003 over the whole project, then its Fix All at solution scope over every FIO003 diagnostic.
    private static async Task MigrateAsync(IReadOnlyDictionary<string, string> files, BuiltVariant built, IReadOnlyDictionary<string, string> programOfFile,
        CancellationToken cancellationToken)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "FuzzPrograms", "FuzzPrograms",
            LanguageNames.CSharp, compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References));
        var ids = new Dictionary<string, DocumentId>(StringComparer.Ordinal);
        foreach (var (file, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            ids[file] = DocumentId.CreateNewId(projectId, file);
            solution = solution.AddDocument(ids[file], file, SourceText.From(text, Encoding.UTF8), filePath: file);
        }

        solution = solution.AddDocument(DocumentId.CreateNewId(projectId, EntryFile), EntryFile, SourceText.From(EntrySource, Encoding.UTF8), filePath: EntryFile);
        var project = solution.GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync(cancellationToken))!;

        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, a, _) => exceptions.Enqueue(a.GetType().Name + ": " + e), concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = (await compilation.WithAnalyzers([new NativeMemoryMigrationAnalyzer()], options).GetAnalyzerDiagnosticsAsync(cancellationToken))
            .Where(d => d.Id == "FIO003").ToImmutableArray();
        foreach (var exception in exceptions)
            built.Problems.Add(new Problem("*", Variant.Migrated, "build", "analyzer exception", exception));
        built.Notes = string.Join("\n", diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start).Select(Show));

        if (diagnostics.Length > 0)
        {
            var fix = new UseFioMemAllocatorCodeFix();
            var first = diagnostics[0];
            var document = solution.GetDocument(first.Location.SourceTree)!;
            var context = new FixAllContext(document, fix, FixAllScope.Solution, UseFioMemAllocatorCodeFix.Title,
                fix.FixableDiagnosticIds, new FixedDiagnostics(diagnostics), cancellationToken);
            var action = await fix.GetFixAllProvider()!.GetFixAsync(context);
            if (action is not null)
            {
                var operations = await action.GetOperationsAsync(cancellationToken);
                solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            }
        }

        foreach (var (file, id) in ids)
            built.Sources[file] = (await solution.GetDocument(id)!.GetTextAsync(cancellationToken)).ToString();
    }

    private static string ProgramOf(Diagnostic diagnostic, IReadOnlyDictionary<string, string> programOfFile) =>
        diagnostic.Location.SourceTree?.FilePath is { } path && programOfFile.TryGetValue(path, out var program) ? program : "*";

    private static string Show(Diagnostic d) =>
        d.Location.IsInSource
            ? $"{d.Location.SourceTree!.FilePath}({d.Location.GetLineSpan().StartLinePosition.Line + 1}): {d.Id} {d.GetMessage()}"
            : $"{d.Id} {d.GetMessage()}";

    /// <summary>The diagnostics computed once, handed to Fix All.</summary>
    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath).ToList());

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics.Where(d => !d.Location.IsInSource).ToList());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }

    /// <summary>Build properties as the compiler sees them (<c>build_property.*</c>).</summary>
    private sealed class BuildProperties : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global;

        public BuildProperties(params (string Name, string Value)[] properties) =>
            _global = new Options(properties.ToDictionary(p => "build_property." + p.Name, p => p.Value));

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new([]);

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
