// FIO003 analyzer: which NativeMemory calls are reported, and the documented shapes that are left alone.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer>;

namespace FioMem.Analyzers.Tests.Migration;

public class NativeMemoryMigrationAnalyzerTests
{
    [Fact]
    // The additional locations are the whole group, in source order: what the fix rewrites.
    public Task Message_names_both_methods_and_additional_locations_list_the_group() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    void* p = NativeMemory.AlignedAlloc(8, 4);
                    NativeMemory.AlignedFree(p);
                }
            }
            """,
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(6, 19, 6, 50).WithSpan(6, 19, 6, 50).WithSpan(7, 9, 7, 36).WithArguments("AlignedAlloc", "Alloc"),
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(7, 9, 7, 36).WithSpan(6, 19, 6, 50).WithSpan(7, 9, 7, 36).WithArguments("AlignedFree", "Free"));

    [Fact]
    // The nested type frees the outer field's memory where the analysis does not look: moving the outer allocation alone
    // would leave memory from FioMem released by NativeMemory, so nothing in the type is reported.
    public Task A_type_whose_nested_type_frees_its_field_is_left_alone() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class Outer
            {
                private void* _buffer;
                void Open() => _buffer = NativeMemory.Alloc(64);
                class Closer
                {
                    void Close(Outer outer) => NativeMemory.Free(outer._buffer);
                }
            }
            """);

    [Fact]
    public Task A_nested_type_that_names_no_NativeMemory_method_or_tracked_field_changes_nothing() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class Outer
            {
                private void* _buffer;
                void Open() => _buffer = {|FIO003:NativeMemory.Alloc(64)|};
                void Close() => {|FIO003:NativeMemory.Free(_buffer)|};
                class Helper
                {
                    int Twice(int x) => 2 * x;
                }
            }
            """);

    [Fact]
    public Task Nothing_is_reported_without_a_FioMem_reference() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    void* p = NativeMemory.Alloc(8);
                    NativeMemory.Free(p);
                }
            }
            """, referenceFioMem: false);

    [Theory]
    [InlineData("NativeMemory.AlignedAlloc(8, 32)")]
    [InlineData("NativeMemory.AlignedAlloc(8, 64)")]
    [InlineData("NativeMemory.AlignedAlloc(8, a)")]
    [InlineData("NativeMemory.AlignedAlloc(8, 12)")]
    public Task AlignedAlloc_with_large_non_constant_or_odd_alignment_and_its_free_are_not_reported(string allocation) =>
        Verify.VerifyAnalyzerAsync($$"""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M(nuint a)
                {
                    void* p = {{allocation}};
                    NativeMemory.AlignedFree(p);
                }
            }
            """);

    [Fact]
    public Task AlignedRealloc_keeps_its_whole_group_as_it_is() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    void* p = NativeMemory.AlignedAlloc(8, 16);
                    p = NativeMemory.AlignedRealloc(p, 32, 16);
                    NativeMemory.AlignedFree(p);
                }
            }
            """);

    [Fact]
    public Task An_ineligible_group_does_not_stop_an_unrelated_group_in_the_same_method() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    void* big = NativeMemory.AlignedAlloc(8, 64);
                    void* small = {|FIO003:NativeMemory.Alloc(8)|};
                    NativeMemory.AlignedFree(big);
                    {|FIO003:NativeMemory.Free(small)|};
                }
            }
            """);

    [Fact]
    public Task Returned_allocation_is_not_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void* Make() => NativeMemory.Alloc(8);
                void* MakeVia() { void* p = NativeMemory.Alloc(8); return p; }
            }
            """);

    [Fact]
    public Task Allocation_stored_in_a_non_private_field_property_or_array_is_not_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                internal void* Shared;
                private void* Prop { get; set; }
                private nint[] _slots = new nint[4];

                void M()
                {
                    Shared = NativeMemory.Alloc(8);
                    Prop = NativeMemory.Alloc(8);
                    _slots[0] = (nint)NativeMemory.Alloc(8);
                }
            }
            """);

    [Fact]
    public Task Fresh_allocation_handed_to_another_method_is_not_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static void Keep(void* p) { }
                void M()
                {
                    Keep(NativeMemory.Alloc(8));
                    var span = new Span<byte>(NativeMemory.Alloc(8), 8);
                }
            }
            """);

    [Fact]
    public Task Free_of_a_parameter_leaves_the_whole_type_alone() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static void Release(void* p) => NativeMemory.Free(p);
                void M()
                {
                    void* q = NativeMemory.Alloc(8);
                    Release(q);
                }
            }
            """);

    [Fact]
    public Task Free_of_an_unrelated_type_field_or_call_result_leaves_the_type_alone() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class Holder { public void* P; }
            unsafe class C
            {
                void M(Holder h)
                {
                    void* q = NativeMemory.Alloc(8);
                    NativeMemory.Free(h.P);
                    NativeMemory.Free(q);
                }
            }
            """);

    [Fact]
    public Task Free_of_a_variable_given_an_untraced_value_leaves_the_type_alone() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static byte* Identity(byte* p) => p;
                void M()
                {
                    byte* p = (byte*)NativeMemory.Alloc(8);
                    byte* q = Identity(p);
                    NativeMemory.Free(q);
                }
            }
            """);

    [Fact]
    public Task NativeMemory_method_groups_leave_the_type_alone() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe delegate void FreeFn(void* p);
            unsafe class C
            {
                void M()
                {
                    delegate*<void*, void> free = &NativeMemory.Free;
                    FreeFn f = NativeMemory.Free;
                    void* q = NativeMemory.Alloc(8);
                    free(q);
                }
            }
            """);

    [Fact]
    public Task Variable_assigned_from_elsewhere_or_with_its_address_taken_is_not_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static void* Other() => null;
                static void Fill(out void* p) => p = null;
                void M(bool b)
                {
                    void* a = NativeMemory.Alloc(8);
                    if (b) a = Other();
                    NativeMemory.Free(a);

                    void* c = NativeMemory.Alloc(8);
                    void** pc = &c;
                    NativeMemory.Free(c);

                    void* d = NativeMemory.Alloc(8);
                    Fill(out d);
                    NativeMemory.Free(d);

                    void* e = NativeMemory.Alloc(8);
                    e = (byte*)e + 1;
                    NativeMemory.Free(e);
                }
            }
            """);

    [Fact]
    public Task Chained_assignment_puts_both_variables_in_one_group() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class Tainted
            {
                static void* Other() => null;
                void M(bool b)
                {
                    void* p, q;
                    p = q = NativeMemory.Alloc(8);
                    if (b) q = Other();
                    NativeMemory.Free(p);
                }
            }

            unsafe class Clean
            {
                void M()
                {
                    void* r, s;
                    r = s = {|FIO003:NativeMemory.Alloc(8)|};
                    {|FIO003:NativeMemory.Free(r)|};
                }
            }
            """);

    [Fact]
    public Task Discarded_allocation_and_other_NativeMemory_helpers_are_fine() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    {|FIO003:NativeMemory.Alloc(8)|};
                    void* p = {|FIO003:NativeMemory.AllocZeroed(8)|};
                    NativeMemory.Clear(p, 8);
                    NativeMemory.Fill(p, 8, 1);
                    {|FIO003:NativeMemory.Free(p)|};
                }
            }
            """);

    [Fact]
    public Task Generated_code_is_skipped() =>
        Verify.VerifyAnalyzerAsync("""
            // <auto-generated/>
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); }
            }
            """);
}
