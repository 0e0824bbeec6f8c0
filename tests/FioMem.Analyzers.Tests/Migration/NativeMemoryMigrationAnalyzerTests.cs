// FIO003 analyzer: which NativeMemory calls are reported, for the local shapes and the documented shapes left alone.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer>;

namespace FioMem.Analyzers.Tests.Migration;

public class NativeMemoryMigrationAnalyzerTests
{
    [Fact]
    // The additional locations are the whole group, in source order: what the fix rewrites. The message names the group.
    public Task Message_names_both_methods_and_the_group_and_additional_locations_list_the_group() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    void* p = NativeMemory.AllocZeroed(8);
                    NativeMemory.Free(p);
                }
            }
            """,
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(6, 19, 6, 46).WithSpan(6, 19, 6, 46).WithSpan(7, 9, 7, 29)
                .WithArguments("AllocZeroed", "AllocZeroed", "group 'C.M: p', 2 calls", ""),
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(7, 9, 7, 29).WithSpan(6, 19, 6, 46).WithSpan(7, 9, 7, 29)
                .WithArguments("Free", "Free", "group 'C.M: p', 2 calls", ""));

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

    [Fact]
    // A nested type is part of the compilation like any other: its free of the outer field joins the group.
    public Task A_nested_type_that_frees_the_outer_field_joins_its_group() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class Outer
            {
                private void* _buffer;
                void Open() => _buffer = {|FIO003:NativeMemory.Alloc(64)|};
                class Closer
                {
                    void Close(Outer outer) => {|FIO003:NativeMemory.Free(outer._buffer)|};
                }
            }
            """);

    [Fact]
    // The memory given to native code keeps its allocation, and nothing else; the foreign pointer's release moves in a
    // group of its own.
    public Task An_unrelated_tainted_group_does_not_stop_a_group_in_the_same_method() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                [DllImport("native")] static extern void* Acquire();
                [DllImport("native")] static extern void Adopt(void* p);
                void M()
                {
                    void* foreign = Acquire();
                    void* given = NativeMemory.Alloc(8);
                    Adopt(given);
                    void* small = {|#0:NativeMemory.Alloc(8)|};
                    {|#1:NativeMemory.Free(foreign)|};
                    {|#2:NativeMemory.Free(small)|};
                }
            }
            """,
            MigrationTest.Fio003(0, "Alloc", "Alloc", "C.M: small", [0, 2]),
            MigrationTest.Fio003(1, "Free", "Free", "C.M: foreign", [1]),
            MigrationTest.Fio003(2, "Free", "Free", "C.M: small", [0, 2]));

    [Fact]
    public Task Memory_returned_by_a_private_helper_and_freed_by_its_callers_is_one_group() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static byte* Make() => (byte*){|FIO003:NativeMemory.Alloc(8)|};
                static byte* MakeVia() { byte* p = (byte*){|FIO003:NativeMemory.Alloc(8)|}; return p; }
                void Use()
                {
                    byte* a = Make();
                    byte* b = MakeVia();
                    {|FIO003:NativeMemory.Free(a)|};
                    {|FIO003:NativeMemory.Free(b)|};
                }
            }
            """);

    [Fact]
    // Other assemblies may free what Make returns with NativeMemory.Free; what they pass to Release goes back to
    // NativeMemory from FioMemory.Free.
    public Task Memory_returned_from_a_public_member_of_a_library_keeps_its_allocation_and_a_public_release_moves() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            public unsafe class C
            {
                public static byte* Make() => (byte*)NativeMemory.Alloc(8);
                public static void Release(byte* p) => {|FIO003:NativeMemory.Free(p)|};
            }
            """);

    [Fact]
    public Task A_pointer_stored_through_a_pointer_in_a_tuple_or_an_unknown_array_keeps_its_allocation_and_moves_its_release() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M(void** slot, nint[] slots)
                {
                    void* a = NativeMemory.Alloc(8);
                    *slot = a;
                    {|#0:NativeMemory.Free(a)|};

                    void* b = NativeMemory.Alloc(8);
                    var pair = ((nint)b, 8);
                    {|#1:NativeMemory.Free(b)|};

                    void* c = NativeMemory.Alloc(8);
                    slots[0] = (nint)c;
                    {|#2:NativeMemory.Free(c)|};
                }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "C.M: a", [0], MigrationTest.KeptAllocationNote),
            MigrationTest.Fio003(1, "Free", "Free", "C.M: b", [1], MigrationTest.KeptAllocationNote),
            MigrationTest.Fio003(2, "Free", "Free", "C.M: c", [2], MigrationTest.KeptAllocationNote));

    [Fact]
    // Nothing frees these: FioMem's AllocLongLived serves them (plain Alloc would pin a block for good).
    public Task Memory_that_is_never_freed_moves_to_AllocLongLived() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                private static byte* s_table = (byte*)NativeMemory.AllocZeroed(256);
                void M()
                {
                    NativeMemory.Alloc(8);
                    var span = new Span<byte>(NativeMemory.Alloc(8), 8);
                }
            }
            """,
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(5, 43, 5, 72).WithSpan(5, 43, 5, 72)
                .WithArguments("AllocZeroed", "AllocLongLived", "group 'C.s_table', 1 call", "; the memory is never freed, so it becomes long-lived (plain Alloc would pin a block for good)"),
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(8, 9, 8, 30).WithSpan(8, 9, 8, 30)
                .WithArguments("Alloc", "AllocLongLived", "group 'C.M', 1 call", "; the memory is never freed, so it becomes long-lived (plain Alloc would pin a block for good)"),
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(9, 35, 9, 56).WithSpan(9, 35, 9, 56)
                .WithArguments("Alloc", "AllocLongLived", "group 'C.M: span', 1 call", "; the memory is never freed, so it becomes long-lived (plain Alloc would pin a block for good)"));

    [Fact]
    // The reallocation moves: given NativeMemory's memory, FioMemory.Realloc hands it back.
    public Task Never_freed_memory_with_no_long_lived_twin_keeps_its_allocations_and_moves_its_reallocation() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                private static byte* s_table = (byte*)NativeMemory.Alloc(16, 16);
                private static byte* s_grown;
                void M() { s_grown = (byte*)NativeMemory.Alloc(8); s_grown = (byte*){|FIO003:NativeMemory.Realloc(s_grown, 16)|}; }
            }
            """);

    [Fact]
    public Task A_size_from_a_64_bit_value_or_a_stream_gets_the_large_path_note() =>
        Verify.VerifyAnalyzerAsync("""
            using System.IO;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M(Stream stream, long length)
                {
                    void* a = NativeMemory.Alloc((nuint)stream.Length);
                    void* b = NativeMemory.Alloc((nuint)length);
                    NativeMemory.Free(a);
                    NativeMemory.Free(b);
                }
            }
            """,
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(7, 19, 7, 59).WithSpan(7, 19, 7, 59).WithSpan(9, 9, 9, 29)
                .WithArguments("Alloc", "Alloc", "group 'C.M: a', 2 calls", "; its size is not bounded: allocations over 49152 bytes take FioMem's large path (their own mapping, as with malloc)"),
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(8, 19, 8, 52).WithSpan(8, 19, 8, 52).WithSpan(10, 9, 10, 29)
                .WithArguments("Alloc", "Alloc", "group 'C.M: b', 2 calls", "; its size is not bounded: allocations over 49152 bytes take FioMem's large path (their own mapping, as with malloc)"),
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(9, 9, 9, 29).WithSpan(7, 19, 7, 59).WithSpan(9, 9, 9, 29)
                .WithArguments("Free", "Free", "group 'C.M: a', 2 calls", ""),
            new DiagnosticResult("FIO003", DiagnosticSeverity.Info).WithSpan(10, 9, 10, 29).WithSpan(8, 19, 8, 52).WithSpan(10, 9, 10, 29)
                .WithArguments("Free", "Free", "group 'C.M: b', 2 calls", ""));

    [Fact]
    // A P/Invoke's, a function pointer's or a delegate's result mixed into a group keeps nothing on NativeMemory: the
    // allocation moves, and FioMemory.Free hands the foreign pointer back to NativeMemory.
    public Task Unknown_origins_mixed_into_a_group_keep_nothing_on_NativeMemory() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                [DllImport("native")] static extern byte* Acquire();
                void M(delegate*<byte*> make, Func<nint> other)
                {
                    byte* a = (byte*){|FIO003:NativeMemory.Alloc(8)|};
                    if (a == null) a = Acquire();
                    {|FIO003:NativeMemory.Free(a)|};

                    byte* b = (byte*){|FIO003:NativeMemory.Alloc(8)|};
                    b = make();
                    {|FIO003:NativeMemory.Free(b)|};

                    byte* c = (byte*){|FIO003:NativeMemory.Alloc(8)|};
                    c = (byte*)other();
                    {|FIO003:NativeMemory.Free(c)|};

                    byte* clean = (byte*){|FIO003:NativeMemory.Alloc(8)|};
                    {|FIO003:NativeMemory.Free(clean)|};
                }
            }
            """);

    [Fact]
    public Task Memory_handed_to_native_code_a_delegate_or_another_assembly_keeps_its_allocation_and_moves_its_release() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                [DllImport("native")] static extern void Take(void* p);
                void M(Action<nint> callback, delegate*<void*, void> release)
                {
                    void* a = NativeMemory.Alloc(8);
                    Take(a); // nothing here frees it: native code may own it now

                    void* b = NativeMemory.Alloc(8);
                    callback((nint)b);
                    {|#0:NativeMemory.Free(b)|};

                    void* c = NativeMemory.Alloc(8);
                    release(c);

                    void* d = NativeMemory.Alloc(8);
                    GC.KeepAlive((object)(nint)d);
                    {|#1:NativeMemory.Free(d)|};
                }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "C.M: b", [0], MigrationTest.KeptAllocationNote),
            MigrationTest.Fio003(1, "Free", "Free", "C.M: d", [1], MigrationTest.KeptAllocationNote));

    [Fact]
    // The framework's pointer helpers read and write the memory and keep no pointer to it.
    public Task Memory_lent_to_framework_helpers_still_migrates() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                long M(byte[] data)
                {
                    byte* p = (byte*){|FIO003:NativeMemory.Alloc((nuint)data.Length)|};
                    fixed (byte* source = data)
                        Buffer.MemoryCopy(source, p, data.Length, data.Length);
                    var span = new Span<byte>(p, data.Length);
                    NativeMemory.Clear(p, 1);
                    Marshal.Copy((IntPtr)p, data, 0, 1);
                    long sum = span[0] + p[1];
                    {|FIO003:NativeMemory.Free(p)|};
                    return sum;
                }
            }
            """);

    [Fact]
    // The method groups are releases and move themselves; the memory passed through the function pointer keeps its
    // allocation (the walk does not know the pointer's target).
    public Task A_NativeMemory_method_group_does_not_taint_groups_it_cannot_reach() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe delegate void FreeFn(void* p);
            unsafe class C
            {
                void M()
                {
                    delegate*<void*, void> free = &{|FIO003:NativeMemory.Free|};
                    FreeFn f = {|FIO003:NativeMemory.Free|};
                    void* q = NativeMemory.Alloc(8);
                    free(q);
                    void* r = {|FIO003:NativeMemory.Alloc(8)|};
                    {|FIO003:NativeMemory.Free(r)|};
                }
            }
            """);

    [Fact]
    // Whoever gets the delegate may pass pointers of its own to Release: FioMemory.Free hands them back to NativeMemory,
    // so the wrapper moves with the memory its caller frees through it. One whose result is handed out as a delegate
    // keeps its allocation.
    public Task A_release_wrapper_used_as_a_method_group_moves_and_an_allocating_one_does_not() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static void Release(nint p) => {|#0:NativeMemory.Free((void*)p)|};
                static nint Make() => (nint)NativeMemory.Alloc(8);
                void M()
                {
                    Action<nint> release = Release;
                    Func<nint> make = Make;
                    nint p = (nint){|#1:NativeMemory.Alloc(8)|};
                    Release(p);
                    {|#2:NativeMemory.Free((void*)Make())|};
                }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "C.Release(p)", [0, 1]),
            MigrationTest.Fio003(1, "Alloc", "Alloc", "C.Release(p)", [0, 1]),
            MigrationTest.Fio003(2, "Free", "Free", "C.Make()", [2], MigrationTest.KeptAllocationNote));

    [Fact]
    public Task Variable_with_its_address_taken_or_filled_by_another_assembly_keeps_its_allocation_and_moves_its_release() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    void* c = NativeMemory.Alloc(8);
                    void** pc = &c;
                    {|#0:NativeMemory.Free(c)|};

                    long d = (long)NativeMemory.Alloc(8);
                    Interlocked.Increment(ref d);
                    {|#1:NativeMemory.Free((void*)d)|};
                }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "C.M: c", [0], MigrationTest.KeptAllocationNote),
            MigrationTest.Fio003(1, "Free", "Free", "C.M: d", [1], MigrationTest.KeptAllocationNote));

    [Fact]
    // Reading through p + i is fine; freeing a computed pointer might free the allocation's memory from the middle, so
    // that allocation stays (the release itself moves: FioMemory.Free hands it back to NativeMemory).
    public Task Pointer_arithmetic_for_reading_migrates_and_a_freed_computed_pointer_keeps_its_origins_allocation() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                int Sum()
                {
                    byte* p = (byte*){|FIO003:NativeMemory.Alloc(16)|};
                    byte* end = p + 16;
                    int sum = 0;
                    for (byte* q = p + 1; q < end; q++)
                        sum += *q;
                    {|FIO003:NativeMemory.Free(p)|};
                    return sum;
                }

                void Offset()
                {
                    byte* raw = (byte*)NativeMemory.Alloc(32);
                    byte* aligned = raw + 16;
                    {|FIO003:NativeMemory.Free(aligned - 16)|};
                }

                void FreedCursor()
                {
                    byte* buffer = (byte*)NativeMemory.Alloc(32);
                    byte* cursor = buffer;
                    cursor++;
                    {|FIO003:NativeMemory.Free(cursor)|};
                }

                int WalkedCursor()
                {
                    byte* buffer = (byte*){|FIO003:NativeMemory.Alloc(32)|};
                    int sum = 0;
                    for (byte* cursor = buffer; cursor < buffer + 32; cursor += 4)
                        sum += *cursor;
                    {|FIO003:NativeMemory.Free(buffer)|};
                    return sum;
                }
            }
            """);

    [Fact]
    // Memory handed out through q keeps the allocation p frees; a foreign value assigned to q keeps nothing.
    public Task Chained_assignment_puts_both_variables_in_one_group() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class Tainted
            {
                [DllImport("native")] static extern void Adopt(void* p);
                void M(bool b)
                {
                    void* p, q;
                    p = q = NativeMemory.Alloc(8);
                    if (b) Adopt(q);
                    {|FIO003:NativeMemory.Free(p)|};
                }
            }

            unsafe class Foreign
            {
                [DllImport("native")] static extern void* Other();
                void M(bool b)
                {
                    void* p, q;
                    p = q = {|FIO003:NativeMemory.Alloc(8)|};
                    if (b) q = Other();
                    {|FIO003:NativeMemory.Free(p)|};
                }
            }

            unsafe class Clean
            {
                void M()
                {
                    void* r, s;
                    r = s = {|FIO003:NativeMemory.Alloc(8)|};
                    {|FIO003:NativeMemory.Free(s)|};
                }
            }
            """);

    [Fact]
    public Task Null_in_any_spelling_keeps_nothing_on_NativeMemory() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                private IntPtr _a;
                private nint _b;
                private void* _c;
                private nuint _d;
                void Open()
                {
                    _a = (IntPtr){|FIO003:NativeMemory.Alloc(8)|};
                    _b = (nint){|FIO003:NativeMemory.Alloc(8)|};
                    _c = {|FIO003:NativeMemory.Alloc(8)|};
                    _d = (nuint){|FIO003:NativeMemory.Alloc(8)|};
                }
                void Close()
                {
                    {|FIO003:NativeMemory.Free((void*)_a)|};
                    _a = IntPtr.Zero;
                    {|FIO003:NativeMemory.Free((void*)_b)|};
                    _b = nint.Zero;
                    _b = 0;
                    {|FIO003:NativeMemory.Free(_c)|};
                    _c = (void*)0;
                    _c = default;
                    _c = null;
                    {|FIO003:NativeMemory.Free((void*)_d)|};
                    _d = UIntPtr.Zero;
                    _d = new UIntPtr(0);
                }
            }
            """);

    [Fact]
    public Task Generated_code_is_analysed_but_never_reported() =>
        Verify.VerifyAnalyzerAsync("""
            // <auto-generated/>
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); }
            }
            """);

    [Fact]
    // The rule keeps its diagnostics out of generated code itself, as the analyzer driver would drop them.
    public Task A_member_under_GeneratedCode_is_analysed_but_never_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System.CodeDom.Compiler;
            using System.Runtime.InteropServices;
            unsafe class C
            {
                private void* _p;
                void Open() => _p = NativeMemory.Alloc(8);
                [GeneratedCode("tool", "1.0")]
                void Close() => NativeMemory.Free(_p);
                [GeneratedCode("tool", "1.0")]
                void M() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); }
            }
            """);

    [Fact]
    // Code under #line hidden is generated code to the analyzer driver: analysed (a release there keeps its group's
    // allocations) but never reported.
    public Task Code_under_line_hidden_is_analysed_but_never_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C
            {
                private void* _p;
                void M()
                {
                    void* p = NativeMemory.Alloc(8);
            #line hidden
                    NativeMemory.Free(p);
                    NativeMemory.Free(null);
            #line default
                }
                void Open() => _p = NativeMemory.Alloc(8);
            #line hidden
                void Close() => NativeMemory.Free(_p);
            #line default
                void Clear() => {|FIO003:NativeMemory.Free(null)|};
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
                    void* p = {|FIO003:NativeMemory.AllocZeroed(8)|};
                    NativeMemory.Clear(p, 8);
                    NativeMemory.Fill(p, 8, 1);
                    {|FIO003:NativeMemory.Free(p)|};
                    {|FIO003:NativeMemory.Free(null)|};
                }
            }
            """);

    [Fact]
    // Unsafe.AsRef and MemoryMarshal.CreateSpan only make a reference or a span over the memory: lending, as the Span
    // constructor is, not an interior pointer handed away.
    public Task A_span_made_through_Unsafe_AsRef_and_MemoryMarshal_CreateSpan_is_lending() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.CompilerServices;
            using System.Runtime.InteropServices;
            internal unsafe struct Items<T> : IDisposable where T : unmanaged
            {
                private T* _items;
                private int _length;
                public Items(int n) { _items = (T*){|FIO003:NativeMemory.Alloc((nuint)n * (nuint)sizeof(T))|}; _length = n; }
                public Span<T> AsSpan() => MemoryMarshal.CreateSpan(ref Unsafe.AsRef<T>(_items), _length);
                public ref T First => ref Unsafe.AsRef<T>(_items);
                public void Dispose() { {|FIO003:NativeMemory.Free(_items)|}; _items = null; }
            }
            static class Program { static void Main() { var items = new Items<int>(4); items.AsSpan()[0] = 1; items.Dispose(); } }
            """);
}
