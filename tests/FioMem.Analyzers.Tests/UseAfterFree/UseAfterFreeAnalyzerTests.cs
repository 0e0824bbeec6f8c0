// FIO006 specification: uses of a FioMem pointer freed on every path reaching them are reported, nothing else is.
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.UseAfterFree.UseAfterFreeAnalyzer>;

namespace FioMem.Analyzers.Tests.UseAfterFree;

public class UseAfterFreeAnalyzerTests
{
    private static DiagnosticResult Used(int location, string variable, string use) =>
        Verify.Diagnostic(DiagnosticDescriptors.UseAfterFree).WithLocation(location).WithArguments(variable, use);

    private static Task VerifyBody(string body, params DiagnosticResult[] expected) =>
        Verify.VerifyAnalyzerAsync($$"""
            using System;
            using FioMem;
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
                public static void Free(Node* value) => FioAlloc<Node>.Free(value);
                public static Node* New(FioHeap heap) => FioAlloc<Node>.New(heap);
            }
            unsafe class C
            {
                static void Use(void* p) { }
                static void Reset(ref byte* p) => p = null;
                void M(bool flag, byte* parameter)
                {
            {{body}}
                }
            }
            """, expected);

    [Fact]
    public Task Dereference_after_the_heap_is_disposed() =>
        VerifyBody("""
                    var heap = new FioHeap();
                    int* p = (int*)heap.Alloc(16);
                    *p = 1;
                    heap.Dispose();
                    *{|#0:p|} = 2;
            """, Used(0, "p", "dereferenced"));

    [Fact]
    public Task Index_after_the_heap_is_reset() =>
        VerifyBody("""
                    var heap = new FioHeap();
                    byte* p = (byte*)heap.AlignedAlloc(64, 64);
                    heap.Reset();
                    int first = {|#0:p|}[0];
                    heap.Dispose();
            """, Used(0, "p", "indexed"));

    [Fact]
    public Task Typed_heap_memory_used_after_dispose_on_every_path() =>
        VerifyBody("""
                    var heap = new FioHeap();
                    Node* node = FioAlloc<Node>.New(heap);
                    Span<Node> nodes = FioAlloc<Node>.NewArray(heap, 4);
                    if (flag)
                        heap.Dispose();
                    else
                        heap.Dispose();
                    {|#0:node|}->Value = 1;
                    {|#1:nodes|}[0].Value = 2;
            """, Used(0, "node", "dereferenced"), Used(1, "nodes", "indexed"));

    [Fact]
    public Task Memory_of_the_generated_heap_shorthand_used_after_reset() =>
        VerifyBody("""
                    using var heap = new FioHeap();
                    Node* node = Node.New(heap);
                    heap.Reset();
                    {|#0:node|}->Value = 1;
            """, Used(0, "node", "dereferenced"));

    [Fact]
    public Task Heap_memory_passed_on_or_freed_after_dispose() =>
        VerifyBody("""
                    var heap = new FioHeap();
                    byte* p = (byte*)heap.Alloc(16);
                    byte* q = (byte*)heap.Alloc(16);
                    heap.Dispose();
                    Use({|#0:p|});
                    FioMemory.Free({|#1:q|});
            """, Used(0, "p", "passed on"), Used(1, "q", "freed again"));

    [Fact]
    public Task Dispose_on_one_path_only_is_not_reported() =>
        VerifyBody("""
                    var heap = new FioHeap();
                    byte* p = (byte*)heap.Alloc(16);
                    if (flag)
                        heap.Dispose();
                    p[0] = 1;
            """);

    [Fact]
    public Task Heap_memory_allocated_again_after_reset_is_not_reported() =>
        VerifyBody("""
                    using var heap = new FioHeap();
                    byte* p = (byte*)heap.Alloc(16);
                    heap.Reset();
                    p = (byte*)heap.Alloc(16);
                    p[0] = 1;
            """);

    [Fact]
    public Task Memory_of_another_heap_or_of_FioMemory_is_not_freed_by_a_heap() =>
        VerifyBody("""
                    var first = new FioHeap();
                    var second = new FioHeap();
                    byte* p = (byte*)first.Alloc(16);
                    byte* q = (byte*)FioMemory.Alloc(16);
                    byte* r = (byte*)second.Alloc(16);
                    if (flag)
                        r = q;
                    second.Dispose();
                    p[0] = 1;
                    q[0] = 1;
                    r[0] = 1;
                    first.Dispose();
                    FioMemory.Free(q);
            """);

    [Fact]
    public Task Dereference_after_free() =>
        VerifyBody("""
                    int* p = (int*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    *{|#0:p|} = 1;
            """, Used(0, "p", "dereferenced"));

    [Fact]
    public Task Member_access_through_the_pointer_after_free() =>
        VerifyBody("""
                    Node* node = FioAlloc<Node>.New();
                    FioAlloc<Node>.Free(node);
                    {|#0:node|}->Value = 1;
            """, Used(0, "node", "dereferenced"));

    [Fact]
    public Task Index_after_free() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    int first = {|#0:p|}[0];
            """, Used(0, "p", "indexed"));

    [Fact]
    public Task Passed_on_after_free() =>
        VerifyBody("""
                    void* p = FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    Use({|#0:p|});
            """, Used(0, "p", "passed on"));

    [Fact]
    public Task Realloc_after_free_passes_it_on() =>
        VerifyBody("""
                    void* p = FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    p = FioMemory.Realloc({|#0:p|}, 32);
                    *(byte*)p = 1;
            """, Used(0, "p", "passed on"));

    [Fact]
    public Task Double_free() =>
        VerifyBody("""
                    void* p = FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    FioMemory.Free({|#0:p|});
            """, Used(0, "p", "freed again"));

    [Fact]
    public Task Double_free_through_the_typed_and_generated_Free() =>
        VerifyBody("""
                    Node* node = FioAlloc<Node>.New();
                    Node.Free(node);
                    FioAlloc<Node>.Free({|#0:node|});
            """, Used(0, "node", "freed again"));

    [Fact]
    public Task A_freed_parameter() =>
        VerifyBody("""
                    FioMemory.Free(parameter);
                    parameter[1] = 2;
                    *parameter = 3;
            """.Replace("parameter[1]", "{|#0:parameter|}[1]").Replace("*parameter", "*{|#1:parameter|}"),
            Used(0, "parameter", "indexed"), Used(1, "parameter", "dereferenced"));

    [Fact]
    public Task Freed_on_both_branches() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    if (flag) { FioMemory.Free(p); } else { Use(p); FioMemory.Free(p); }
                    *{|#0:p|} = 1;
            """, Used(0, "p", "dereferenced"));

    [Fact]
    public Task Freed_in_every_switch_section() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    switch (p[0])
                    {
                        case 0: FioMemory.Free(p); break;
                        default: Use(p); FioMemory.Free(p); break;
                    }
                    Use({|#0:p|});
            """, Used(0, "p", "passed on"));

    [Fact]
    public Task No_report_in_another_switch_section() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    switch (p[0])
                    {
                        case 0: FioMemory.Free(p); break;
                        default: *p = 2; FioMemory.Free(p); break;
                    }
            """);

    [Fact]
    public Task Use_in_a_later_branch_after_free() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    if (flag) { Use({|#0:p|}); }
            """, Used(0, "p", "passed on"));

    [Fact]
    public Task Freed_with_a_cast_argument() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free((void*)p);
                    *{|#0:p|} = 1;
            """, Used(0, "p", "dereferenced"));

    [Fact]
    public Task Use_inside_a_lambda_after_free_in_the_lambda() =>
        VerifyBody("""
                    Action run = () =>
                    {
                        byte* q = (byte*)FioMemory.Alloc(16);
                        FioMemory.Free(q);
                        *{|#0:q|} = 1;
                    };
                    run();
            """, Used(0, "q", "dereferenced"));

    [Fact]
    public Task Use_inside_a_local_function_after_free_in_it() =>
        VerifyBody("""
                    Run();
                    void Run()
                    {
                        byte* q = (byte*)FioMemory.Alloc(16);
                        FioMemory.Free(q);
                        Use({|#0:q|});
                    }
            """, Used(0, "q", "passed on"));

    [Fact]
    public Task Span_indexed_after_FreeArray() =>
        VerifyBody("""
                    Span<Node> nodes = FioAlloc<Node>.NewArray(4);
                    FioAlloc<Node>.FreeArray(nodes);
                    {|#0:nodes|}[0].Value = 1;
            """, Used(0, "nodes", "indexed"));

    // Negative shapes.

    [Fact]
    public Task Use_before_free_is_not_reported() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    *p = 1;
                    Use(p);
                    FioMemory.Free(p);
            """);

    [Fact]
    public Task No_report_after_reassignment() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    p = (byte*)FioMemory.Alloc(32);
                    *p = 1;
                    FioMemory.Free(p);
            """);

    [Fact]
    public Task No_report_after_reassignment_through_ref() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    Reset(ref p);
                    Use(p);
            """);

    [Fact]
    public Task No_report_when_freed_on_one_branch_only() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    if (flag) { FioMemory.Free(p); p = null; }
                    if (p != null) { *p = 1; FioMemory.Free(p); }
            """);

    [Fact]
    public Task No_report_on_the_other_branch() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    if (flag) { FioMemory.Free(p); }
                    else { *p = 1; Use(p); FioMemory.Free(p); }
            """);

    [Fact]
    public Task No_report_for_a_loop_that_allocates_each_time() =>
        VerifyBody("""
                    for (int i = 0; i < 4; i++)
                    {
                        byte* p = (byte*)FioMemory.Alloc(16);
                        *p = 1;
                        FioMemory.Free(p);
                    }
            """);

    [Fact]
    public Task Comparisons_and_nulling_after_free_are_not_uses() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    bool freed = p != null;
                    p = null;
                    FioMemory.Free(p);
            """);

    [Fact]
    public Task Returning_early_after_free_is_not_reported() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    if (flag) { FioMemory.Free(p); return; }
                    *p = 1;
                    FioMemory.Free(p);
            """);

    [Fact]
    public Task A_free_outside_a_lambda_does_not_flag_uses_inside_it() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    FioMemory.Free(p);
                    Action later = () => { byte* q = p; };
            """);

    [Fact]
    public Task NativeMemory_free_is_not_tracked() =>
        VerifyBody("""
                    byte* p = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(16);
                    System.Runtime.InteropServices.NativeMemory.Free(p);
                    *p = 1;
            """);

    [Fact]
    public Task Uses_inside_try_finally_are_not_misreported() =>
        VerifyBody("""
                    byte* p = (byte*)FioMemory.Alloc(16);
                    try { *p = 1; Use(p); }
                    finally { FioMemory.Free(p); }
            """);
}
