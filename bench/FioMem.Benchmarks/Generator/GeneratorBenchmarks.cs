// What the generator costs a build and an IDE: 1,000 [FioAllocated] structs across 200 files.
using System.Collections.Generic;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using FioMem.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FioMem.Benchmarks.Generator;

/// <summary>
/// Runs <see cref="FioAllocatedGenerator"/> over a compilation of 200 files holding 5 marked structs each (every
/// fifth nested in a partial class), plus one unmarked file that the incremental case edits.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int FileCount = 200;
    private const int StructsPerFile = 5;

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    private SyntaxTree[] _trees = [];
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _editedCompilation = null!;
    private GeneratorDriver _warmDriver = null!;
    private bool _edited;

    [GlobalSetup]
    public void Setup()
    {
        List<SyntaxTree> trees = [];
        for (int file = 0; file < FileCount; file++)
            trees.Add(CSharpSyntaxTree.ParseText(MarkedFile(file), s_parseOptions, $"Marked{file}.cs"));
        SyntaxTree unrelated = CSharpSyntaxTree.ParseText(UnrelatedFile(0), s_parseOptions, "Unrelated.cs");
        trees.Add(unrelated);
        _trees = trees.ToArray();

        _compilation = CreateCompilation(_trees);
        _editedCompilation = _compilation.ReplaceSyntaxTree(
            unrelated, CSharpSyntaxTree.ParseText(UnrelatedFile(1), s_parseOptions, "Unrelated.cs"));

        _warmDriver = CreateDriver().RunGenerators(_compilation);
        int generated = _warmDriver.GetRunResult().GeneratedTrees.Length;
        if (generated != FileCount * StructsPerFile)
            throw new System.InvalidOperationException($"expected {FileCount * StructsPerFile} generated files, got {generated}");
    }

    /// <summary>A first build: a new compilation (nothing bound yet) and a new driver.</summary>
    [Benchmark]
    public GeneratorDriver ColdBuild() => CreateDriver().RunGenerators(CreateCompilation(_trees));

    /// <summary>A new driver over an already-bound compilation: the generator's own share of a build.</summary>
    [Benchmark]
    public GeneratorDriver NewDriverBoundCompilation() => CreateDriver().RunGenerators(_compilation);

    /// <summary>An IDE keystroke in a file with no marked struct: the driver reuses its cached steps.</summary>
    [Benchmark]
    public GeneratorDriver IncrementalUnrelatedEdit()
    {
        _edited = !_edited;
        _warmDriver = _warmDriver.RunGenerators(_edited ? _editedCompilation : _compilation);
        return _warmDriver;
    }

    private static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create([new FioAllocatedGenerator().AsSourceGenerator()], parseOptions: s_parseOptions);

    private static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create(
            "GeneratorBenchmarkInput",
            trees,
            Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
                .Append(MetadataReference.CreateFromFile(typeof(FioMemory).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));

    private static string MarkedFile(int file)
    {
        StringBuilder source = new();
        source.Append("using FioMem;\n\nnamespace Bench.Area").Append(file % 20).Append(";\n\n");
        for (int i = 0; i < StructsPerFile; i++)
        {
            int id = (file * StructsPerFile) + i;
            if (i == StructsPerFile - 1)
            {
                source.Append("public partial class Holder").Append(id).Append("\n{\n    [FioAllocated]\n    internal partial struct S")
                    .Append(id).Append(" { public long A; public int B; public float C, D; }\n}\n\n");
            }
            else
            {
                source.Append("[FioAllocated]\npublic partial struct S").Append(id)
                    .Append(" { public long A; public int B; public float C, D; }\n\n");
            }
        }

        return source.ToString();
    }

    private static string UnrelatedFile(int version) =>
        $"namespace Bench;\n\npublic static class Unrelated\n{{\n    public static int Value() => {version};\n}}\n";
}
