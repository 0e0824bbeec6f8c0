// The generator, FIO004 and the CS0315 code fix give the same verdict on every [FioAllocated] shape.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.FioAllocatedTypes;
using FioMem.Analyzers.Tests.Verifiers;
using FioMem.CodeFixes.FioAllocatedTypes;
using FioMem.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FioMem.Analyzers.Tests.FioAllocatedTypes;

public class EligibilityAgreementTests
{
    /// <summary>
    /// Shapes of a type S, written with a placeholder <c>MARK</c> where the attribute goes; S is used as
    /// <c>FioAlloc&lt;S&gt;</c> (nested ones through their full name).
    /// </summary>
    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { "plain partial struct", "MARK public partial struct S { public int X; }", "S" },
        new object[] { "not partial", "MARK public struct S { public int X; }", "S" },
        new object[] { "partial on one of two parts", "MARK public partial struct S { public int X; } public struct S { public int Y; }", "S" },
        new object[] { "record struct", "MARK public partial record struct S(int X);", "S" },
        new object[] { "readonly", "MARK public readonly partial struct S { public readonly int X; }", "S" },
        new object[] { "class", "MARK public partial class S { public int X; }", "S" },
        new object[] { "managed", "MARK public partial struct S { public string X; }", "S" },
        new object[] { "ref struct", "MARK public ref partial struct S { public int X; }", "S" },
        new object[] { "generic", "MARK public partial struct S<T> where T : unmanaged { public T X; }", "S<int>" },
        new object[] { "file-local", "MARK file partial struct S { public int X; }", "S" },
        new object[] { "nested in partial", "public partial class Outer { MARK public partial struct S { public int X; } }", "Outer.S" },
        new object[] { "nested in non-partial", "public class Outer { MARK public partial struct S { public int X; } }", "Outer.S" },
        new object[] { "nested, nothing partial", "public class Outer { MARK public struct S { public int X; } }", "Outer.S" },
        new object[] { "nested in generic", "public partial class Outer<T> { MARK public partial struct S { public int X; } }", "Outer<int>.S" },
        new object[] { "nested in file-local", "file partial class Outer { MARK public partial struct S { public int X; } }", "Outer.S" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Generator_FIO004_and_the_CS0315_fix_agree(string shape, string declaration, string usage)
    {
        string marked = "using FioMem;\n" + declaration.Replace("MARK", "[FioAllocated]");
        CSharpCompilation compilation = Compile(marked);

        bool generated = RunGenerator(compilation);
        (bool reported, bool onlyPartialMissing) = await RunFio004Async(compilation);
        Assert.True(generated == !reported, $"{shape}: the generator {(generated ? "implements" : "skips")} it, FIO004 {(reported ? "reports" : "accepts")} it");

        // The same shape unmarked and used with FioAlloc<T>: the fix is offered exactly when FIO004 would accept the
        // type once it is partial.
        string unmarked = "using FioMem;\n" + declaration.Replace("MARK", "") + $"\nstatic class Use {{ static void M() {{ FioAlloc<{usage}>.Free(FioAlloc<{usage}>.New()); }} }}";
        bool offered = await FixOfferedAsync(unmarked);
        bool eligibleOncePartial = !reported || onlyPartialMissing;
        Assert.True(offered == eligibleOncePartial, $"{shape}: the CS0315 fix is {(offered ? "" : "not ")}offered, FIO004 says it is {(eligibleOncePartial ? "" : "not ")}eligible once partial");
    }

    private static CSharpCompilation Compile(string source) =>
        CSharpCompilation.Create(
            "Shapes",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Shapes.cs") },
            TestReferences.WithFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));

    private static bool RunGenerator(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new FioAllocatedGenerator()).RunGenerators(compilation);
        return driver.GetRunResult().GeneratedTrees.Length > 0;
    }

    private static async Task<(bool Reported, bool OnlyPartialMissing)> RunFio004Async(CSharpCompilation compilation)
    {
        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new FioAllocatedTypeAnalyzer()))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Diagnostic? fio004 = diagnostics.FirstOrDefault(d => d.Id == "FIO004");
        return (fio004 is not null, fio004?.Properties.ContainsKey(FioAllocatedTypeAnalyzer.OnlyPartialMissingProperty) == true);
    }

    private static async Task<bool> FixOfferedAsync(string source)
    {
        using var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Shapes", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true))
            .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
            .WithMetadataReferences(TestReferences.WithFioMem);
        Document document = project.AddDocument("Shapes.cs", SourceText.From(source));
        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        var fix = new MarkFioAllocatedCodeFix();
        var actions = new List<CodeAction>();
        foreach (Diagnostic diagnostic in compilation.GetDiagnostics().Where(d => fix.FixableDiagnosticIds.Contains(d.Id)))
        {
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await fix.RegisterCodeFixesAsync(context);
        }
        return actions.Count > 0;
    }
}
