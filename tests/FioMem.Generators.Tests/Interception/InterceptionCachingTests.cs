// The interception pipeline caches: facts are symbol-free and compared, so an unrelated edit emits nothing new.
using System.Collections.Immutable;
using System.Reflection;
using FioMem.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FioMem.Generators.Tests.Interception;

public class InterceptionCachingTests
{
    private const string Buffers = """
        using System.Runtime.InteropServices;

        namespace App;

        internal static unsafe class Buffers
        {
            private static byte* s_scratch;

            public static void Open() => s_scratch = (byte*)NativeMemory.Alloc(64);

            public static void Close() => NativeMemory.Free(s_scratch);
        }
        """;

    private const string Other = """
        namespace App;

        internal static class Program
        {
            public static void Main() { Buffers.Open(); Buffers.Close(); }

            public static int Frames;
        }
        """;

    private static readonly string[] s_trackingNames =
    [
        NativeMemoryInterceptorGenerator.TrackingNames.Settings,
        NativeMemoryInterceptorGenerator.TrackingNames.Facts,
        NativeMemoryInterceptorGenerator.TrackingNames.Plan,
    ];

    [Fact]
    public void An_edit_to_a_file_without_NativeMemory_leaves_every_step_cached_or_unchanged()
    {
        GeneratorRunResult result = RunTwice("Other.cs", Other.Replace("public static int Frames;", "public static int Frames; public static long Ticks;"));

        foreach (string name in s_trackingNames)
        {
            ImmutableArray<IncrementalStepRunReason> reasons = Reasons(result, name);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {r}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Equal(2, result.GeneratedSources.Length);
    }

    [Fact]
    public void Moving_an_intercepted_call_re_emits_the_interceptors_and_leaves_the_other_file_unchanged()
    {
        GeneratorRunResult result = RunTwice("Buffers.cs", Buffers.Replace("namespace App;", "namespace App;\n"));

        // The declarations are the same, so the other file is not walked again.
        ImmutableArray<IncrementalStepRunReason> facts = Reasons(result, NativeMemoryInterceptorGenerator.TrackingNames.Facts);
        Assert.Contains(IncrementalStepRunReason.Modified, facts);
        Assert.Contains(IncrementalStepRunReason.Cached, facts);
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, NativeMemoryInterceptorGenerator.TrackingNames.Plan));
    }

    [Fact]
    public void An_edit_inside_a_method_body_walks_that_file_only()
    {
        const string helpers = """
            namespace App;

            internal static unsafe class Helpers
            {
                public static void Cycle() { Buffers.Open(); Buffers.Close(); }
            }
            """;
        CSharpCompilation compilation = InterceptionHarness.CreateCompilation([("Buffers.cs", Buffers), ("Helpers.cs", helpers), ("Other.cs", Other)]);
        GeneratorDriver driver = InterceptionHarness.CreateDriver(BuildProperties.Intercepting(), track: true).RunGenerators(compilation);

        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == "Buffers.cs");
        string edited = Buffers.Replace("public static void Close() => NativeMemory.Free(s_scratch);",
            "public static void Close() { System.Console.WriteLine(); NativeMemory.Free(s_scratch); }");
        GeneratorRunResult result = driver.RunGenerators(compilation.ReplaceSyntaxTree(old,
            CSharpSyntaxTree.ParseText(edited, InterceptionHarness.ParseOptions, "Buffers.cs"))).GetRunResult().Results.Single();

        // One file's facts moved (the free's position); the other two files are not walked again (Cached: their step did
        // not run; Unchanged would mean it ran and found the same facts).
        foreach (string step in new[] { NativeMemoryInterceptorGenerator.TrackingNames.FirstRound, NativeMemoryInterceptorGenerator.TrackingNames.Facts })
        {
            ImmutableArray<IncrementalStepRunReason> reasons = Reasons(result, step);
            Assert.Equal(3, reasons.Length);
            Assert.Single(reasons, r => r == IncrementalStepRunReason.Modified);
            Assert.Equal(2, reasons.Count(r => r == IncrementalStepRunReason.Cached));
        }

        Assert.Equal(IncrementalStepRunReason.Unchanged, Reasons(result, NativeMemoryInterceptorGenerator.TrackingNames.WholeCompilation).Single());
        Assert.Contains("FioMem intercepts 2 of 2 NativeMemory calls", result.GeneratedSources.Single(s => s.HintName == NativeMemoryInterceptorGenerator.ReportHintName).SourceText.ToString());
    }

    [Fact]
    public void The_rounds_of_an_edited_file_bind_in_one_compilation_with_that_file_replaced()
    {
        CSharpCompilation compilation = InterceptionHarness.CreateCompilation([("Buffers.cs", Buffers), ("Other.cs", Other)]);
        GeneratorDriver driver = InterceptionHarness.CreateDriver(BuildProperties.Intercepting(), track: true).RunGenerators(compilation);
        var input = (FioMem.Generators.Interception.AnalysisInput)driver.GetRunResult().Results.Single()
            .TrackedSteps[NativeMemoryInterceptorGenerator.TrackingNames.Input].Single().Outputs.Single().Value;
        SyntaxTree edited = CSharpSyntaxTree.ParseText(Buffers.Replace("(64)", "(128)"), InterceptionHarness.ParseOptions, "Buffers.cs");

        Compilation first = input.CompilationWith(edited);

        Assert.NotSame(input.Compilation, first);
        Assert.True(first.ContainsSyntaxTree(edited));
        Assert.Same(first, input.CompilationWith(edited));
        Assert.Same(input.Compilation, input.CompilationWith(compilation.SyntaxTrees.First()));
        Assert.Throws<InvalidOperationException>(() => input.CompilationWith(CSharpSyntaxTree.ParseText("class C { }", InterceptionHarness.ParseOptions, "Elsewhere.cs")));
    }

    [Fact]
    public void Handing_the_memory_to_unseen_code_in_another_file_removes_the_allocations_interceptor()
    {
        // The other file's facts change the solution of this file's group: the plan follows.
        GeneratorRunResult result = RunTwice("Other.cs", Other.Replace(
            "public static int Frames;",
            "public static int Frames; public static unsafe void Leak(void* p) => System.GC.KeepAlive((object)(nint)p);")
            .Replace("Buffers.Open();", "Buffers.Open(); Leak(Buffers.Scratch);"),
            Buffers.Replace("private static byte* s_scratch;", "private static byte* s_scratch; public static byte* Scratch => s_scratch;"));

        // The report and the interceptor of the release: the allocation's is gone.
        Assert.Equal(2, result.GeneratedSources.Length);
        string all = string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString()));
        Assert.Contains("FioMem intercepts 1 of 2 NativeMemory calls", all);
        Assert.Contains("FioMemory.Free(", all);
        Assert.DoesNotContain("FioMemory.Alloc", all);
    }

    [Fact]
    public void Interception_models_hold_no_symbols_syntax_or_locations()
    {
        Type[] forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree)];
        Type[] models =
        [
            typeof(InterceptionSettings), typeof(FactPair), typeof(TaintFact), typeof(CallFact), typeof(FileFacts), typeof(PlaceName),
            typeof(TreeSummary), typeof(ReachedNames), typeof(WholeCompilationFacts),
            typeof(InterceptedLocation), typeof(InterceptorModel), typeof(InterceptionPlan),
        ];
        foreach (Type model in models)
        {
            foreach (PropertyInfo property in model.GetProperties())
            {
                Type type = property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments()[0] : property.PropertyType;
                Assert.True(type.IsPrimitive || type == typeof(string) || models.Contains(type), $"{model.Name}.{property.Name}: {type}");
                Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(type));
            }
        }
    }

    [Fact]
    public void An_edit_that_changes_a_declaration_walks_every_file_again_and_finds_the_same_facts()
    {
        GeneratorRunResult result = RunTwice("Other.cs", Other.Replace("public static int Frames;", "public static int Frames; public static long Ticks;"));

        // A new field could change how any file binds: the other file is walked again too (Unchanged: it ran and found the
        // same facts), besides the edited one.
        ImmutableArray<IncrementalStepRunReason> reasons = Reasons(result, NativeMemoryInterceptorGenerator.TrackingNames.FirstRound);
        Assert.Equal([IncrementalStepRunReason.Modified, IncrementalStepRunReason.Unchanged], reasons.Order());
    }

    [Fact]
    public void Files_that_share_a_path_are_walked_again_after_any_edit()
    {
        // The walk finds an edited file by its path in the compilation it holds: with two files of one path it cannot,
        // so every file is walked in the current compilation.
        const string helpers = """
            namespace App;

            internal static unsafe class Helpers
            {
                public static void Cycle() { Buffers.Open(); Buffers.Close(); }
            }
            """;
        CSharpCompilation compilation = InterceptionHarness.CreateCompilation([("Same.cs", Buffers), ("Same.cs", helpers)]);
        GeneratorDriver driver = InterceptionHarness.CreateDriver(BuildProperties.Intercepting(), track: true).RunGenerators(compilation);

        SyntaxTree old = compilation.SyntaxTrees.First(t => t.ToString().Contains("s_scratch", StringComparison.Ordinal));
        string edited = Buffers.Replace("public static void Close() => NativeMemory.Free(s_scratch);",
            "public static void Close() { System.Console.WriteLine(); NativeMemory.Free(s_scratch); }");
        GeneratorRunResult result = driver.RunGenerators(compilation.ReplaceSyntaxTree(old,
            CSharpSyntaxTree.ParseText(edited, InterceptionHarness.ParseOptions, "Same.cs"))).GetRunResult().Results.Single();

        Assert.DoesNotContain(IncrementalStepRunReason.Cached, Reasons(result, NativeMemoryInterceptorGenerator.TrackingNames.FirstRound));
        string report = result.GeneratedSources.Single(s => s.HintName == NativeMemoryInterceptorGenerator.ReportHintName).SourceText.ToString();
        Assert.Contains("FioMem intercepts 2 of 2 NativeMemory calls", report);
        int column = edited.Split('\n')[10].IndexOf("NativeMemory.Free", StringComparison.Ordinal) + 1;
        Assert.Contains($"Same.cs(11,{column})", report); // the release where the edit moved it
    }

    [Fact]
    public void A_compilation_that_never_names_NativeMemory_binds_nothing()
    {
        CSharpCompilation compilation = InterceptionHarness.CreateCompilation([("Other.cs", Other.Replace("Buffers.Open(); Buffers.Close();", string.Empty))]);
        GeneratorDriver driver = InterceptionHarness.CreateDriver(BuildProperties.Intercepting(), track: true).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        // Nothing to analyse: no declaration digest is computed, and no compilation is handed to the walk, which so asks
        // for no semantic model.
        Assert.All(result.TrackedSteps[NativeMemoryInterceptorGenerator.TrackingNames.Declarations].SelectMany(step => step.Outputs),
            output => Assert.Equal(string.Empty, output.Value));
        var input = result.TrackedSteps[NativeMemoryInterceptorGenerator.TrackingNames.Input].Single().Outputs.Single().Value;
        Assert.Same(FioMem.Generators.Interception.AnalysisInput.Inactive, input);
        Assert.All(result.TrackedSteps[NativeMemoryInterceptorGenerator.TrackingNames.FirstRound].SelectMany(step => step.Outputs),
            output => Assert.True((((SyntaxTree, FileFacts))output.Value).Item2.IsEmpty));
        Assert.Contains("FioMem intercepts 0 of 0 NativeMemory calls", result.GeneratedSources.Single(s => s.HintName == NativeMemoryInterceptorGenerator.ReportHintName).SourceText.ToString());
    }

    private static GeneratorRunResult RunTwice(string editedPath, string editedSource, string? buffers = null)
    {
        CSharpCompilation compilation = InterceptionHarness.CreateCompilation([("Buffers.cs", buffers ?? Buffers), ("Other.cs", Other)]);
        GeneratorDriver driver = InterceptionHarness.CreateDriver(BuildProperties.Intercepting(), track: true);
        driver = driver.RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Equal(2, first.GeneratedSources.Length);

        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == editedPath);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(editedSource, InterceptionHarness.ParseOptions, editedPath));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    private static ImmutableArray<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string trackingName) =>
        result.TrackedSteps[trackingName].SelectMany(step => step.Outputs).Select(output => output.Reason).ToImmutableArray();
}
