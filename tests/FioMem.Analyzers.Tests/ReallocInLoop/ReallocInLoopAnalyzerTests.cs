// FIO007 specification: a resize that runs on every loop iteration is reported; one that runs once is not.
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.ReallocInLoop.ReallocInLoopAnalyzer>;

namespace FioMem.Analyzers.Tests.ReallocInLoop;

public class ReallocInLoopAnalyzerTests
{
    private static DiagnosticResult InLoop(int location) =>
        Verify.Diagnostic(DiagnosticDescriptors.ReallocInLoop).WithLocation(location);

    private static Task VerifyBody(string body, params DiagnosticResult[] expected) =>
        Verify.VerifyAnalyzerAsync($$"""
            using System;
            using System.Collections.Generic;
            using FioMem;
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
            }
            unsafe class C
            {
                void M(int n, List<int> items)
                {
                    byte* p = (byte*)FioMemory.Alloc(16);
            {{body}}
                    FioMemory.Free(p);
                }
            }
            """, expected);

    [Fact]
    public Task For_loop_body() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++) { p = (byte*){|#0:FioMemory.Realloc(p, (nuint)(i + 16))|}; }
            """, InLoop(0));

    [Fact]
    public Task Foreach_loop_body_with_the_three_argument_overload() =>
        VerifyBody("""
                    foreach (int item in items) { p = (byte*){|#0:FioMemory.Realloc(p, (nuint)item, 16)|}; }
            """, InLoop(0));

    [Fact]
    public Task While_loop_body() =>
        VerifyBody("""
                    nuint size = 16;
                    while (size < 1024) { size *= 2; p = (byte*){|#0:FioMemory.Realloc(p, size)|}; }
            """, InLoop(0));

    [Fact]
    public Task Do_loop_body() =>
        VerifyBody("""
                    nuint size = 16;
                    do { size += 16; p = (byte*){|#0:FioMemory.Realloc(p, size)|}; } while (size < 256);
            """, InLoop(0));

    [Fact]
    public Task Loop_condition_runs_every_iteration() =>
        VerifyBody("""
                    nuint size = 16;
                    while ((p = (byte*){|#0:FioMemory.Realloc(p, size += 16)|}) != null && size < 256) { }
            """, InLoop(0));

    [Fact]
    public Task Nested_in_a_block_inside_a_loop() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        if (i % 2 == 0)
                        {
                            try { p = (byte*){|#0:FioMemory.Realloc(p, (nuint)i)|}; } finally { }
                        }
                    }
            """, InLoop(0));

    [Fact]
    public Task FioAlloc_Resize_in_a_loop() =>
        VerifyBody("""
                    Span<Node> nodes = FioAlloc<Node>.NewArray(1);
                    for (int i = 2; i < n; i++) { nodes = {|#0:FioAlloc<Node>.Resize(nodes, i)|}; }
                    FioAlloc<Node>.FreeArray(nodes);
            """, InLoop(0));

    [Fact]
    public Task Foreach_collection_inside_an_outer_loop() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        foreach (var node in {|#0:FioAlloc<Node>.Resize(FioAlloc<Node>.NewArray(1), 2)|}) { }
                    }
            """, InLoop(0));

    // Negative shapes.

    [Fact]
    public Task Realloc_outside_a_loop_is_not_reported() =>
        VerifyBody("""
                    p = (byte*)FioMemory.Realloc(p, 64);
                    for (int i = 0; i < n; i++) { p[i % 64] = 1; }
            """);

    [Fact]
    public Task For_initializer_runs_once() =>
        VerifyBody("""
                    for (p = (byte*)FioMemory.Realloc(p, 64); *p < 4; (*p)++) { }
            """);

    [Fact]
    public Task Foreach_collection_runs_once() =>
        VerifyBody("""
                    Span<Node> nodes = FioAlloc<Node>.NewArray(1);
                    foreach (var node in FioAlloc<Node>.Resize(nodes, 8)) { }
            """);

    [Fact]
    public Task Lambda_created_in_a_loop_is_not_reported() =>
        VerifyBody("""
                    var grows = new List<Func<nint>>();
                    for (int i = 0; i < n; i++) { grows.Add(() => (nint)FioMemory.Realloc(null, 64)); }
            """);

    [Fact]
    public Task Local_function_declared_in_a_loop_is_not_reported() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        p = Grow(p);
                        static byte* Grow(byte* q) => (byte*)FioMemory.Realloc(q, 64);
                    }
            """);

    [Fact]
    public Task NativeMemory_Realloc_is_not_reported() =>
        VerifyBody("""
                    void* q = null;
                    for (int i = 0; i < n; i++) { q = System.Runtime.InteropServices.NativeMemory.Realloc(q, (nuint)i); }
                    System.Runtime.InteropServices.NativeMemory.Free(q);
            """);

    [Fact]
    public Task Alloc_and_Free_in_a_loop_are_not_reported() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++) { void* q = FioMemory.Alloc(16); FioMemory.Free(q); }
            """);
}
