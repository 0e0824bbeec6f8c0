// The pre-filter's name sets hold every name the rules' symbol predicates accept, checked against the real FioMem and .NET.
using System.Collections.Generic;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.MismatchedRelease;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace FioMem.Analyzers.Tests.Common;

public class CalledNamesTests
{
    // A [FioAllocated] struct with the static members the generator gives one (written out: no generator runs here).
    private const string Source = """
        using FioMem;
        [FioAllocated]
        unsafe partial struct Node : IFioAllocated<Node>
        {
            public long Value;
            static string IFioAllocated<Node>.FioTypeName => "Node";
            public static Node* New() => null;
            public static System.Span<Node> NewArray(int count) => default;
            public static FioOwned<Node> NewOwned() => default;
            public static void Free(Node* value) { }
            public static void FreeArray(System.Span<Node> values) { }
        }
        """;

    private static (KnownSymbols Symbols, List<IMethodSymbol> Methods) Load()
    {
        var compilation = CSharpCompilation.Create("CalledNames",
            [CSharpSyntaxTree.ParseText(Source, new CSharpParseOptions(LanguageVersion.Latest))],
            TestReferences.WithFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var symbols = KnownSymbols.TryCreate(compilation)!;
        Assert.NotNull(symbols);

        var methods = new List<IMethodSymbol>();
        foreach (var type in new[] { symbols.FioMemory, symbols.FioAlloc, symbols.NativeMemory, symbols.Marshal, compilation.GetTypeByMetadataName("Node") })
        {
            Assert.NotNull(type);
            methods.AddRange(type!.GetMembers().OfType<IMethodSymbol>());
        }

        return (symbols, methods);
    }

    /// <summary>Every method <paramref name="accepts"/> accepts is named in <paramref name="names"/>, and it accepts
    /// some method of each of <paramref name="types"/> (so the check is not vacuous).</summary>
    private static void AssertCovers(CalledNames names, string[] types, Func<KnownSymbols, IMethodSymbol, bool> accepts)
    {
        var (symbols, methods) = Load();
        var accepted = methods.Where(m => accepts(symbols, m)).ToList();
        Assert.NotEmpty(accepted);
        foreach (var type in types)
            Assert.Contains(accepted, m => m.ContainingType.Name == type);
        foreach (var method in accepted)
            Assert.True(names.Contains(method.Name), $"{method.ContainingType.Name}.{method.Name} is missing from the pre-filter");
    }

    [Fact]
    public void Block_allocations() => AssertCovers(CalledNames.BlockAllocations, ["FioMemory", "FioAlloc", "Node"], (s, m) => FioMemCalls.IsBlockAllocation(m, s));

    [Fact]
    public void Releases() => AssertCovers(CalledNames.Releases, ["FioMemory", "FioAlloc", "NativeMemory", "Marshal"],
        (s, m) => AllocatorCalls.ReleaseFamily(m, s, out _) != AllocatorFamily.Unknown);

    [Fact]
    public void Frees() => AssertCovers(CalledNames.Frees, ["FioMemory", "FioAlloc", "Node"], (s, m) => FioMemCalls.IsFree(m, s));

    [Fact]
    public void Resizes() => AssertCovers(CalledNames.Resizes, ["FioMemory", "FioAlloc"], (s, m) => FioMemCalls.IsResize(m, s));

    [Fact]
    public void NativeMemory_methods_that_hand_out_or_take_back_memory() => AssertCovers(CalledNames.NativeMemoryMethods, ["NativeMemory"],
        (s, m) => SymbolEqualityComparer.Default.Equals(m.ContainingType, s.NativeMemory)
            && (m.ReturnType is IPointerTypeSymbol || m.Name.Contains("Free", StringComparison.Ordinal)));

    [Theory]
    [InlineData("FioMemory.Free(p);", true)]
    [InlineData("@Free(p);", true)]
    [InlineData("var f = &NativeMemory.Free;", true)]
    [InlineData("NativeMemory.\\u0046ree(p);", true)] // an escape in an identifier: let through
    [InlineData("Fr\u200Dee(p);", true)] // a formatting character inside an identifier is ignored by the compiler
    [InlineData("/* Free */ var s = \"Free\";", true)] // comments and strings only let more through
    [InlineData("Freeze(p); FreeArrayX(p); _Free(p); Free2(p); éFree(p); Freeé(p);", false)]
    public void Identifiers_are_found_in_the_text(string statements, bool expected)
    {
        var tree = CSharpSyntaxTree.ParseText("class C { void M() { " + statements + " } }");
        var body = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax>().First();
        Assert.Equal(expected, CalledNames.Frees.OccurIn(body));
        Assert.False(CalledNames.Frees.OccurIn(tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ParameterListSyntax>().First()));
    }
}
