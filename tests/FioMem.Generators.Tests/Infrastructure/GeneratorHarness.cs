// Compiles test source offline and runs FioMem's generator over it with Roslyn's driver.
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FioMem.Generators.Tests.Infrastructure;

/// <summary>What one generator run produced.</summary>
/// <param name="Generated">Each generated file's hint name and text, in the driver's order.</param>
/// <param name="OutputCompilation">The input compilation plus the generated trees.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator reported (it should report none).</param>
internal sealed record GeneratorRun(
    ImmutableArray<(string HintName, string Text)> Generated,
    Compilation OutputCompilation,
    ImmutableArray<Diagnostic> GeneratorDiagnostics);

internal static class GeneratorHarness
{
    /// <summary>.NET 10 reference assemblies (Basic.Reference.Assemblies, offline) and FioMem.dll.</summary>
    public static readonly ImmutableArray<MetadataReference> References =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(FioMemory).Assembly.Location))
            .ToImmutableArray();

    /// <summary>Latest C#, with documentation comments checked so a broken <c>cref</c> in the output shows.</summary>
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static CSharpCompilation CreateCompilation(IEnumerable<(string Path, string Source)> sources, bool allowUnsafe = true) =>
        CSharpCompilation.Create(
            "GeneratorInput",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, ParseOptions, s.Path)),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                allowUnsafe: allowUnsafe,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true));

    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            generators: [new FioAllocatedGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        ImmutableArray<(string, string)> generated = result.Results
            .SelectMany(r => r.GeneratedSources)
            .Select(s => (s.HintName, s.SourceText.ToString()))
            .ToImmutableArray();
        return new GeneratorRun(generated, output, diagnostics);
    }

    public static GeneratorRun Run(GeneratorCase testCase) =>
        Run(CreateCompilation(testCase.Sources, testCase.AllowUnsafe));
}
