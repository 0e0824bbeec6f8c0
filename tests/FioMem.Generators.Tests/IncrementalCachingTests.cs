// The pipeline caches: an edit that does not touch a [FioAllocated] struct re-emits nothing.
using System.Collections.Immutable;
using System.Reflection;
using FioMem.Generators.Models;
using FioMem.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FioMem.Generators.Tests;

public class IncrementalCachingTests
{
    private const string Marked = """
        namespace Game;

        [FioMem.FioAllocated]
        public partial struct Particle { public float X, Y; }

        public static class Physics { public static int Step(int n) => n + 1; }
        """;

    private const string Other = """
        namespace Game;

        public sealed class Renderer { public int Frames; }
        """;

    private static readonly string[] s_trackingNames =
    [
        FioAllocatedGenerator.TrackingNames.Structs,
        FioAllocatedGenerator.TrackingNames.EligibleStructs,
        FioAllocatedGenerator.TrackingNames.AllowUnsafe,
        FioAllocatedGenerator.TrackingNames.Output,
    ];

    [Fact]
    public void An_edit_to_another_file_leaves_every_step_cached_or_unchanged()
    {
        GeneratorRunResult result = RunTwice("Other.cs", Other.Replace("public int Frames;", "public int Frames; public long Ticks;"));

        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void An_edit_elsewhere_in_the_marked_file_leaves_every_step_cached_or_unchanged()
    {
        GeneratorRunResult result = RunTwice("Marked.cs", Marked.Replace("n + 1", "n + 2"));

        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void Adding_an_unmanaged_field_to_the_struct_re_emits_nothing()
    {
        // The model holds no fields, so a layout change that keeps the struct eligible changes no output.
        GeneratorRunResult result = RunTwice("Marked.cs", Marked.Replace("public float X, Y;", "public float X, Y, Z;"));

        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void Renaming_the_marked_struct_gives_Modified()
    {
        GeneratorRunResult result = RunTwice("Marked.cs", Marked.Replace("Particle", "Body"));

        Assert.Contains(Reasons(result, FioAllocatedGenerator.TrackingNames.Structs), r => r == IncrementalStepRunReason.Modified);
        Assert.Contains(Reasons(result, FioAllocatedGenerator.TrackingNames.Output), r => r == IncrementalStepRunReason.Modified);
        Assert.Equal(["Game.Body.g.cs"], result.GeneratedSources.Select(s => s.HintName));
    }

    [Fact]
    public void Adding_a_member_that_clashes_with_a_shorthand_gives_Modified()
    {
        GeneratorRunResult result = RunTwice("Marked.cs", Marked.Replace("public float X, Y;", "public float X, Y; public static void Free() { }"));

        Assert.Contains(Reasons(result, FioAllocatedGenerator.TrackingNames.Output), r => r == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Making_the_struct_managed_removes_its_output()
    {
        GeneratorRunResult result = RunTwice("Marked.cs", Marked.Replace("public float X, Y;", "public float X, Y; public string Name;"));

        Assert.Contains(Reasons(result, FioAllocatedGenerator.TrackingNames.Output), r => r == IncrementalStepRunReason.Removed);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_locations()
    {
        Type[] forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(Compilation), typeof(SemanticModel)];
        foreach (Type model in new[] { typeof(FioAllocatedStructModel), typeof(ContainingTypeModel) })
        {
            foreach (PropertyInfo property in model.GetProperties())
            {
                Type type = property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments()[0] : property.PropertyType;
                Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(type));
            }
        }
    }

    private static GeneratorRunResult RunTwice(string editedPath, string editedSource)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation([("Marked.cs", Marked), ("Other.cs", Other)]);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            generators: [new FioAllocatedGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources);

        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == editedPath);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(editedSource, GeneratorHarness.ParseOptions, editedPath));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    private static ImmutableArray<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string trackingName) =>
        result.TrackedSteps[trackingName].SelectMany(step => step.Outputs).Select(output => output.Reason).ToImmutableArray();

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (string name in s_trackingNames)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step {name} was not tracked");
            ImmutableArray<IncrementalStepRunReason> reasons = Reasons(result, name);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(
                r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {r}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }
}
