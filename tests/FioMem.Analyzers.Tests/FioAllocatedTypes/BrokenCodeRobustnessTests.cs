// FIO002–FIO005 analyzers over broken and half-typed code: they may report or not, but never throw (no AD0001).
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Tasks;
using FioMem.Analyzers.FioAllocatedTypes;
using FioMem.Analyzers.Migration;
using FioMem.Analyzers.MismatchedRelease;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.FioAllocatedTypes;

public class BrokenCodeRobustnessTests
{
    public static TheoryData<string> BrokenSources => new()
    {
        // Missing semicolons and braces.
        """
        using System.Runtime.InteropServices;
        unsafe class C { void M() { void* p = NativeMemory.Alloc(8) NativeMemory.Free(p) }
        """,
        // Unresolved names and types.
        """
        using System.Runtime.InteropServices;
        using FioMem;
        unsafe class C
        {
            Unknown* _u = NativeMemory.Alloc(Size);
            void M() { var q = Missing.Alloc(8); NativeMemory.Free(q); FioMemory.Free(_u); NativeMemory.Free(Nope()); }
        }
        """,
        // Wrong arities and argument types.
        """
        using System.Runtime.InteropServices;
        using FioMem;
        unsafe class C
        {
            void M()
            {
                void* a = NativeMemory.AlignedAlloc(8);
                void* b = NativeMemory.Realloc(8);
                NativeMemory.Free();
                FioMemory.Free(a, b);
                NativeMemory.AlignedAlloc(alignment: "x", byteCount: 1);
                Marshal.FreeHGlobal(FioMemory.Alloc());
            }
        }
        """,
        // Half-typed [FioAllocated] structs: erroneous field types, cycles, bad layout attributes.
        """
        using System.Runtime.InteropServices;
        using FioMem;
        [FioAllocated] partial struct A { public Missing M; public A Self; }
        [FioAllocated, StructLayout((LayoutKind)99, Size = -5, Pack = 0)] unsafe partial struct B { public fixed int F[-1]; }
        [FioAllocated] partial struct C<T> { public T V; public C<int> Inner; }
        [FioAllocated] partial struct
        """,
        // Conditionals, lambdas and local functions cut off mid-way.
        """
        using System;
        using System.Runtime.InteropServices;
        unsafe class C
        {
            private void* _p;
            void M(bool b)
            {
                _p = b ? NativeMemory.Alloc(8) : ;
                Action a = () => NativeMemory.Free(_p
                void L() => NativeMemory.Free(
            }
        }
        """,
    };

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public async Task Analyzers_do_not_throw_on_broken_code(string source)
    {
        var compilation = CSharpCompilation.Create(
            "Broken",
            new[] { CSharpSyntaxTree.ParseText(source) },
            TestReferences.WithFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var exceptions = new ConcurrentBag<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
            new NativeMemoryMigrationAnalyzer(), new MismatchedReleaseAnalyzer(), new FioAllocatedTypeAnalyzer());

        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
