// The call table every rule classifies calls with: FioMem's allocations and releases, the generated shorthand, and the
// aligned family, checked against the referenced FioMem and against a FioMem that has the aligned calls.
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyMismatch = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.MismatchedRelease.MismatchedReleaseAnalyzer>;
using VerifyUseAfterFree = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.UseAfterFree.UseAfterFreeAnalyzer>;

namespace FioMem.Analyzers.Tests.Common;

public class FioMemCallsTests
{
    // A FioMem with the aligned calls, written out for the analyzers to find in source (no FioMem reference).
    private const string AlignedFioMem = """
        using System.Runtime.InteropServices;
        namespace FioMem
        {
            public static unsafe class FioMemory
            {
                public static void* Alloc(nuint byteCount) => null;
                public static void* AlignedAlloc(nuint byteCount, nuint alignment) => null;
                public static void* AlignedRealloc(void* ptr, nuint byteCount, nuint alignment) => null;
                public static void Free(void* ptr) { }
                public static void AlignedFree(void* ptr) { }
            }
        }

        """;

    private static (KnownSymbols Symbols, Compilation Compilation) Compile(string source, bool referenceFioMem)
    {
        var compilation = CSharpCompilation.Create("FioMemCalls",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            referenceFioMem ? TestReferences.WithFioMem : TestReferences.WithoutFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (KnownSymbols.TryCreate(compilation)!, compilation);
    }

    private static MemoryCall Classify(KnownSymbols symbols, INamedTypeSymbol type, string name) =>
        FioMemCalls.Classify(type.GetMembers(name).OfType<IMethodSymbol>().First(), symbols);

    [Fact]
    public void The_generated_shorthand_allocates_and_frees_FioMem_memory()
    {
        var (symbols, compilation) = Compile("""
            using FioMem;
            [FioAllocated]
            unsafe partial struct Particle : IFioAllocated<Particle>
            {
                public float X;
                static string IFioAllocated<Particle>.FioTypeName => "Particle";
                public static Particle* New() => FioAlloc<Particle>.New();
                public static System.Span<Particle> NewArray(int count) => FioAlloc<Particle>.NewArray(count);
                public static FioOwned<Particle> NewOwned() => FioAlloc<Particle>.NewOwned();
                public static void Free(Particle* value) => FioAlloc<Particle>.Free(value);
                public static void FreeArray(System.Span<Particle> array) => FioAlloc<Particle>.FreeArray(array);
            }
            """, referenceFioMem: true);
        var particle = compilation.GetTypeByMetadataName("Particle")!;
        foreach (var name in new[] { "New", "NewArray", "NewOwned" })
        {
            var call = Classify(symbols, particle, name);
            Assert.Equal((MemoryCallRole.Allocate, AllocatorFamily.FioMem, true), (call.Role, call.Family, call.IsBlockAllocation));
        }

        foreach (var name in new[] { "Free", "FreeArray" })
            Assert.True(Classify(symbols, particle, name).IsFioMemFree, name);
    }

    [Fact]
    public void A_struct_that_only_implements_IFioAllocated_of_itself_gets_the_shorthand_too()
    {
        var (symbols, compilation) = Compile("""
            using FioMem;
            unsafe partial struct Particle : IFioAllocated<Particle>
            {
                static string IFioAllocated<Particle>.FioTypeName => "Particle";
                public static Particle* New() => FioAlloc<Particle>.New();
            }
            unsafe struct Plain
            {
                public static Plain* New() => null;
            }
            """, referenceFioMem: true);
        Assert.True(Classify(symbols, compilation.GetTypeByMetadataName("Particle")!, "New").IsBlockAllocation);
        Assert.Equal(MemoryCallRole.None, Classify(symbols, compilation.GetTypeByMetadataName("Plain")!, "New").Role);
    }

    [Fact]
    public void Long_lived_memory_is_FioMem_memory_outside_the_blocks()
    {
        var (symbols, _) = Compile("class C { }", referenceFioMem: true);
        var call = Classify(symbols, symbols.FioMemory, "AllocLongLived");
        Assert.Equal((MemoryCallRole.Allocate, AllocatorFamily.FioMem, false), (call.Role, call.Family, call.IsBlockAllocation));
    }

    [Fact]
    public void FioMem_aligned_calls_are_FioMem_allocations_resizes_and_frees()
    {
        var (symbols, _) = Compile(AlignedFioMem, referenceFioMem: false);
        Assert.True(Classify(symbols, symbols.FioMemory, "AlignedAlloc").IsBlockAllocation);
        Assert.True(Classify(symbols, symbols.FioMemory, "AlignedRealloc").IsFioMemResize);
        Assert.True(Classify(symbols, symbols.FioMemory, "AlignedFree").IsFioMemFree);
        // NativeMemory's aligned family stays apart from its plain one.
        Assert.Equal(AllocatorFamily.NativeMemoryAligned, Classify(symbols, symbols.NativeMemory!, "AlignedFree").Family);
        Assert.Equal(AllocatorFamily.NativeMemory, Classify(symbols, symbols.NativeMemory!, "Free").Family);
    }

    [Fact]
    public Task FIO002_tells_FioMem_aligned_memory_from_NativeMemory_aligned_memory() =>
        VerifyMismatch.VerifyAnalyzerAsync(AlignedFioMem + """
            unsafe class C
            {
                void M()
                {
                    void* a = FioMem.FioMemory.AlignedAlloc(64, 64);
                    {|#0:NativeMemory.AlignedFree(a)|};
                    void* n = NativeMemory.AlignedAlloc(64, 64);
                    {|#1:FioMem.FioMemory.Free(n)|};
                    // Either of FioMem's frees takes either of its allocations; FioMemory.AlignedFree hands NativeMemory's
                    // aligned memory to NativeMemory.AlignedFree.
                    FioMem.FioMemory.Free(FioMem.FioMemory.AlignedAlloc(64, 64));
                    FioMem.FioMemory.AlignedFree(FioMem.FioMemory.Alloc(64));
                    FioMem.FioMemory.AlignedFree(NativeMemory.AlignedAlloc(64, 64));
                }
            }
            """, referenceFioMem: false,
            VerifyMismatch.Diagnostic("FIO002").WithLocation(0).WithArguments("FioMemory.AlignedAlloc", "NativeMemory.AlignedFree", "FioMemory.Free"),
            VerifyMismatch.Diagnostic("FIO002").WithLocation(1).WithArguments("NativeMemory.AlignedAlloc", "FioMemory.Free", "NativeMemory.AlignedFree"));

    [Fact]
    public Task FIO006_counts_FioMemory_AlignedFree_as_a_free() =>
        VerifyUseAfterFree.VerifyAnalyzerAsync(AlignedFioMem + """
            unsafe class C
            {
                void M()
                {
                    byte* p = (byte*)FioMem.FioMemory.AlignedAlloc(64, 64);
                    FioMem.FioMemory.AlignedFree(p);
                    *{|#0:p|} = 1;
                }
            }
            """, referenceFioMem: false,
            VerifyUseAfterFree.Diagnostic(DiagnosticDescriptors.UseAfterFree).WithLocation(0).WithArguments("p", "dereferenced"));
}
