// FIO007 specification: a resize that runs on every iteration of a loop that also allocates is reported; a resize that
// runs once, or grows the loop's only allocation (which FioMem grows in place), is not.
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.ReallocInLoop.ReallocInLoopAnalyzer>;

namespace FioMem.Analyzers.Tests.ReallocInLoop;

public class ReallocInLoopAnalyzerTests
{
    /// <summary>The resize at {|#0:...|}, the other allocation of the loop at {|#1:...|}.</summary>
    private static DiagnosticResult Copies(string resize = "FioMemory.Realloc", string other = "FioMemory.Alloc") =>
        Verify.Diagnostic(DiagnosticDescriptors.ReallocInLoop).WithLocation(0).WithLocation(1).WithArguments(resize, other);

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
                public static Node* New() => FioAlloc<Node>.New();
            }
            unsafe class C
            {
                void M(int n, List<int> items, List<nint> kept)
                {
                    byte* p = (byte*)FioMemory.Alloc(16);
            {{body}}
                    FioMemory.Free(p);
                }
            }
            """, expected);

    // The loop's only allocation grows in place: nothing to report.

    [Fact]
    public Task Growing_the_only_allocation_of_a_loop_is_not_reported() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++) { p = (byte*)FioMemory.Realloc(p, (nuint)(i + 16)); p[i] = 1; }
                    nuint size = 16;
                    while (size < 1024) { size *= 2; p = (byte*)FioMemory.Realloc(p, size); }
                    Span<Node> nodes = FioAlloc<Node>.NewArray(1);
                    for (int i = 2; i < n; i++) { nodes = FioAlloc<Node>.Resize(nodes, i); }
                    FioAlloc<Node>.FreeArray(nodes);
            """);

    [Fact]
    public Task Resizing_the_same_buffer_twice_per_iteration_is_not_reported() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++) { p = (byte*)FioMemory.Realloc(p, 64); p = (byte*)FioMemory.Realloc(p, 16); }
            """);

    [Fact]
    public Task The_buffer_allocated_afresh_in_the_loop_is_not_another_allocation() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        byte* q = (byte*)FioMemory.Alloc(16);
                        q = (byte*)FioMemory.Realloc(q, 64);
                        FioMemory.Free(q);
                    }
            """);

    [Fact]
    public Task An_allocation_in_the_resize_arguments_is_the_buffer_itself() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        foreach (var node in FioAlloc<Node>.Resize(FioAlloc<Node>.NewArray(1), 2)) { }
                    }
            """);

    [Fact]
    public Task An_allocation_outside_the_loop_is_not_counted() =>
        VerifyBody("""
                    void* before = FioMemory.Alloc(16);
                    for (int i = 0; i < n; i++) { p = (byte*)FioMemory.Realloc(p, (nuint)(i + 16)); }
                    void* after = FioMemory.Alloc(16);
            """);

    [Fact]
    public Task An_allocation_in_an_outer_loop_only_is_not_counted() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        kept.Add((nint)FioMemory.Alloc(16));
                        for (int j = 0; j < n; j++) { p = (byte*)FioMemory.Realloc(p, (nuint)(j + 16)); }
                    }
            """);

    [Fact]
    public Task A_long_lived_allocation_takes_no_slices_and_is_not_counted() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++) { p = (byte*)FioMemory.Realloc(p, (nuint)(i + 16)); kept.Add((nint)FioMemory.AllocLongLived(16)); }
            """);

    // Another allocation per iteration: every growth copies.

    [Fact]
    public Task For_loop_body_that_also_allocates() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        p = (byte*){|#0:FioMemory.Realloc(p, (nuint)(i + 16))|};
                        kept.Add((nint){|#1:FioMemory.Alloc(16)|});
                    }
            """, Copies());

    [Fact]
    public Task The_other_allocation_may_come_first_in_the_body() =>
        VerifyBody("""
                    foreach (int item in items)
                    {
                        kept.Add((nint){|#1:FioMemory.AllocZeroed(16)|});
                        p = (byte*){|#0:FioMemory.Realloc(p, (nuint)item, 16)|};
                    }
            """, Copies(other: "FioMemory.AllocZeroed"));

    [Fact]
    public Task Two_buffers_grown_in_turn_copy_each_other() =>
        VerifyBody("""
                    byte* q = (byte*)FioMemory.Alloc(16);
                    nuint size = 16;
                    while (size < 1024)
                    {
                        size *= 2;
                        p = (byte*){|#0:FioMemory.Realloc(p, size)|};
                        q = (byte*){|#1:FioMemory.Realloc(q, size)|};
                    }
                    FioMemory.Free(q);
            """,
            Copies(other: "FioMemory.Realloc"),
            Verify.Diagnostic(DiagnosticDescriptors.ReallocInLoop).WithLocation(1).WithLocation(0).WithArguments("FioMemory.Realloc", "FioMemory.Realloc"));

    [Fact]
    public Task Do_loop_with_the_generated_New() =>
        VerifyBody("""
                    nuint size = 16;
                    do { size += 16; p = (byte*){|#0:FioMemory.Realloc(p, size)|}; kept.Add((nint){|#1:Node.New()|}); } while (size < 256);
            """, Copies(other: "Node.New"));

    [Fact]
    public Task Loop_condition_runs_every_iteration() =>
        VerifyBody("""
                    nuint size = 16;
                    while ((p = (byte*){|#0:FioMemory.Realloc(p, size += 16)|}) != null && size < 256) { kept.Add((nint){|#1:FioMemory.Alloc(8)|}); }
            """, Copies());

    [Fact]
    public Task Nested_in_a_block_inside_a_loop() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        if (i % 2 == 0)
                        {
                            try { p = (byte*){|#0:FioMemory.Realloc(p, (nuint)i)|}; } finally { }
                        }
                        for (int j = 0; j < 2; j++) kept.Add((nint){|#1:FioMemory.Alloc(8)|});
                    }
            """, Copies());

    [Fact]
    public Task FioAlloc_Resize_in_a_loop_that_also_allocates() =>
        VerifyBody("""
                    Span<Node> nodes = FioAlloc<Node>.NewArray(1);
                    for (int i = 2; i < n; i++) { nodes = {|#0:FioAlloc<Node>.Resize(nodes, i)|}; kept.Add((nint){|#1:FioAlloc<Node>.New()|}); }
                    FioAlloc<Node>.FreeArray(nodes);
            """, Copies("FioAlloc.Resize", "FioAlloc.New"));

    // Resizes that do not run per iteration.

    [Fact]
    public Task Realloc_outside_a_loop_is_not_reported() =>
        VerifyBody("""
                    p = (byte*)FioMemory.Realloc(p, 64);
                    for (int i = 0; i < n; i++) { p[i % 64] = 1; kept.Add((nint)FioMemory.Alloc(8)); }
            """);

    [Fact]
    public Task For_initializer_runs_once() =>
        VerifyBody("""
                    for (p = (byte*)FioMemory.Realloc(p, 64); *p < 4; (*p)++) { kept.Add((nint)FioMemory.Alloc(8)); }
            """);

    [Fact]
    public Task Foreach_collection_runs_once() =>
        VerifyBody("""
                    Span<Node> nodes = FioAlloc<Node>.NewArray(1);
                    foreach (var node in FioAlloc<Node>.Resize(nodes, 8)) { kept.Add((nint)FioMemory.Alloc(8)); }
            """);

    [Fact]
    public Task Lambda_created_in_a_loop_is_not_reported() =>
        VerifyBody("""
                    var grows = new List<Func<nint>>();
                    for (int i = 0; i < n; i++) { grows.Add(() => (nint)FioMemory.Realloc(null, 64)); kept.Add((nint)FioMemory.Alloc(8)); }
            """);

    [Fact]
    public Task An_allocation_in_a_lambda_is_not_counted() =>
        VerifyBody("""
                    var makes = new List<Func<nint>>();
                    for (int i = 0; i < n; i++) { p = (byte*)FioMemory.Realloc(p, (nuint)(i + 16)); makes.Add(() => (nint)FioMemory.Alloc(8)); }
            """);

    [Fact]
    public Task Local_function_declared_in_a_loop_is_not_reported() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++)
                    {
                        p = Grow(p);
                        kept.Add((nint)FioMemory.Alloc(8));
                        static byte* Grow(byte* q) => (byte*)FioMemory.Realloc(q, 64);
                    }
            """);

    [Fact]
    public Task NativeMemory_Realloc_is_not_reported() =>
        VerifyBody("""
                    void* q = null;
                    for (int i = 0; i < n; i++) { q = System.Runtime.InteropServices.NativeMemory.Realloc(q, (nuint)i); kept.Add((nint)FioMemory.Alloc(8)); }
                    System.Runtime.InteropServices.NativeMemory.Free(q);
            """);

    [Fact]
    public Task Alloc_and_Free_in_a_loop_are_not_reported() =>
        VerifyBody("""
                    for (int i = 0; i < n; i++) { void* q = FioMemory.Alloc(16); FioMemory.Free(q); }
            """);
}
