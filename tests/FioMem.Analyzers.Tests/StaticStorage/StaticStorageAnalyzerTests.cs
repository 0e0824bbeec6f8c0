// FIO001 specification: every store of a FioMem block allocation into static storage is reported, nothing else is.
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.StaticStorage;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.StaticStorage.StaticStorageAnalyzer>;

namespace FioMem.Analyzers.Tests.StaticStorage;

public class StaticStorageAnalyzerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using FioMem;\n";

    /// <summary>{|#0:store|} and {|#1:allocation|} markup, naming the static member.</summary>
    private static DiagnosticResult Pinned(string member) =>
        Verify.Diagnostic(DiagnosticDescriptors.StaticStorage).WithLocation(0).WithLocation(1).WithArguments(member, 131072);

    private static Task VerifyMethodBody(string members, string body, params DiagnosticResult[] expected) =>
        Verify.VerifyAnalyzerAsync(Usings + $$"""
            unsafe class C
            {
            {{members}}
                void M(bool flag)
                {
            {{body}}
                }
            }
            """, expected);

    /// <summary>{|#0:store|} and {|#1:allocation|} markup for memory of a heap, naming the static member.</summary>
    private static DiagnosticResult HeapMemoryKept(string member) =>
        Verify.Diagnostic(DiagnosticDescriptors.StaticStorageOfHeapMemory).WithLocation(0).WithLocation(1).WithArguments(member, 131072);

    [Fact]
    public Task Heap_memory_stored_in_a_static_field_is_reported_with_the_heap_reason() =>
        VerifyMethodBody("    static void* s_p;", """
                    using var heap = new FioHeap();
                    {|#0:s_p = {|#1:heap.Alloc(16)|}|};
            """, HeapMemoryKept("C.s_p"));

    [Fact]
    public Task Aligned_heap_memory_stored_in_a_static_field_through_a_local_is_reported() =>
        VerifyMethodBody("    static byte* s_p;", """
                    var heap = new FioHeap();
                    byte* p = (byte*){|#1:heap.AlignedAlloc(64, 64)|};
                    {|#0:s_p = p|};
            """, HeapMemoryKept("C.s_p"));

    [Fact]
    public Task Typed_heap_memory_stored_in_a_static_property_is_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
            }
            unsafe class C
            {
                static Node* Current { get; set; }
                void M(FioHeap heap) { {|#0:Current = {|#1:FioAlloc<Node>.New(heap)|}|}; }
            }
            """, HeapMemoryKept("C.Current"));

    [Fact]
    public Task Heap_memory_in_an_instance_field_is_not_reported() =>
        VerifyMethodBody("    void* _p;", """
                    using var heap = new FioHeap();
                    _p = heap.Alloc(16);
            """);

    [Fact]
    public Task Static_field_assigned_in_a_method() =>
        VerifyMethodBody("    static void* s_p;", "{|#0:s_p = {|#1:FioMemory.Alloc(16)|}|};", Pinned("C.s_p"));

    [Fact]
    public Task Readonly_static_field_assigned_in_the_static_constructor() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                static readonly nint s_address;
                static C() { {|#0:s_address = (nint){|#1:FioMemory.AllocZeroed(64)|}|}; }
            }
            """, Pinned("C.s_address"));

    [Fact]
    public Task Volatile_static_field() =>
        VerifyMethodBody("    static volatile byte* s_p;", "{|#0:s_p = (byte*){|#1:FioMemory.Alloc(4, 8)|}|};", Pinned("C.s_p"));

    [Fact]
    public Task ThreadStatic_field() =>
        VerifyMethodBody("    [ThreadStatic] static void* t_p;", "{|#0:t_p = {|#1:FioMemory.Alloc(16)|}|};", Pinned("C.t_p"));

    [Fact]
    public Task Static_auto_property() =>
        VerifyMethodBody("    static IntPtr Buffer { get; set; }", "{|#0:Buffer = (IntPtr){|#1:FioMemory.Alloc(16)|}|};", Pinned("C.Buffer"));

    [Fact]
    public Task Static_field_initializer() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                static void* s_p {|#0:= {|#1:FioMemory.Alloc(16)|}|};
            }
            """, Pinned("C.s_p"));

    [Fact]
    public Task Static_property_initializer() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                static nint Address { get; } {|#0:= (nint){|#1:FioMemory.Alloc(16)|}|};
            }
            """, Pinned("C.Address"));

    [Fact]
    public Task Through_several_locals() =>
        VerifyMethodBody("    static void* s_p;", """
                    void* a = {|#1:FioMemory.Alloc(16)|};
                    var b = a;
                    void* c;
                    c = b;
                    {|#0:s_p = c|};
            """, Pinned("C.s_p"));

    [Theory]
    [InlineData("nint", "(nint)p")]
    [InlineData("IntPtr", "(IntPtr)p")]
    [InlineData("void*", "(void*)p")]
    [InlineData("long*", "(long*)p")]
    [InlineData("nuint", "(nuint)p")]
    [InlineData("IntPtr", "new IntPtr(p)")]
    public Task Through_casts_and_conversions(string type, string expression) =>
        VerifyMethodBody($"    static {type} s_value;", $$"""
                    byte* p = (byte*){|#1:FioMemory.Alloc(16)|};
                    {|#0:s_value = {{expression}}|};
            """, Pinned("C.s_value"));

    [Theory]
    [InlineData("p + 1")]
    [InlineData("p - 1")]
    [InlineData("1 + p")]
    [InlineData("&p[2]")]
    public Task Through_pointer_arithmetic(string expression) =>
        VerifyMethodBody("    static byte* s_p;", $$"""
                    byte* p = (byte*){|#1:FioMemory.Alloc(16)|};
                    {|#0:s_p = {{expression}}|};
            """, Pinned("C.s_p"));

    [Fact]
    public Task Through_a_tagged_address() =>
        VerifyMethodBody("    static nint s_tagged;", """
                    nint p = (nint){|#1:FioMemory.Alloc(16)|};
                    {|#0:s_tagged = p | 1|};
            """, Pinned("C.s_tagged"));

    [Fact]
    public Task Through_a_conditional_expression() =>
        VerifyMethodBody("    static void* s_p;", """
                    void* p = {|#1:FioMemory.Alloc(16)|};
                    {|#0:s_p = flag ? p : null|};
            """, Pinned("C.s_p"));

    [Fact]
    public Task Through_a_null_coalescing_expression() =>
        VerifyMethodBody("    static nint? s_p;", """
                    nint? cached = null;
                    {|#0:s_p = cached ?? (nint){|#1:FioMemory.Alloc(16)|}|};
            """, Pinned("C.s_p"));

    [Fact]
    public Task Through_a_null_coalescing_assignment() =>
        VerifyMethodBody("    static nint? s_p;", """
                    {|#0:s_p ??= (nint){|#1:FioMemory.Alloc(16)|}|};
            """, Pinned("C.s_p"));

    [Fact]
    public Task Tuple_deconstruction_into_a_static_field() =>
        VerifyMethodBody("    static nint s_p; static int s_n;", """
                    nint p = (nint){|#1:FioMemory.Alloc(16)|};
                    {|#0:(s_p, s_n) = (p, 16)|};
            """, Pinned("C.s_p"));

    [Fact]
    public Task Tuple_deconstruction_into_locals_then_a_static_field() =>
        VerifyMethodBody("    static nint s_p;", """
                    var (n, address) = (16, (nint){|#1:FioMemory.Alloc(16)|});
                    {|#0:s_p = address|};
            """, Pinned("C.s_p"));

    [Fact]
    public Task A_tuple_holding_an_allocation() =>
        VerifyMethodBody("    static (nint Address, int Size) s_block;", """
                    {|#0:s_block = ((nint){|#1:FioMemory.Alloc(16)|}, 16)|};
            """, Pinned("C.s_block"));

    [Theory]
    [InlineData("List<nint>", "new()", "s_items.Add(p)")]
    [InlineData("Stack<nint>", "new()", "s_items.Push(p)")]
    [InlineData("Queue<nint>", "new()", "s_items.Enqueue(p)")]
    [InlineData("List<nint>", "new()", "s_items.Insert(0, p)")]
    [InlineData("HashSet<nint>", "new()", "s_items.Add(p)")]
    public Task Collection_methods_on_a_static_collection(string type, string creation, string call) =>
        VerifyMethodBody($"    static readonly {type} s_items = {creation};", $$"""
                    nint p = (nint){|#1:FioMemory.Alloc(16)|};
                    {|#0:{{call}}|};
            """, Pinned("C.s_items"));

    [Fact]
    public Task Indexer_store_into_a_static_dictionary() =>
        VerifyMethodBody("    static readonly Dictionary<int, nint> s_map = new();", """
                    nint p = (nint){|#1:FioMemory.Alloc(16)|};
                    {|#0:s_map[1] = p|};
            """, Pinned("C.s_map"));

    [Fact]
    public Task Element_store_into_a_static_array() =>
        VerifyMethodBody("    static readonly nint[] s_slots = new nint[4];", """
                    {|#0:s_slots[0] = (nint){|#1:FioMemory.Alloc(16)|}|};
            """, Pinned("C.s_slots"));

    [Fact]
    public Task Interlocked_exchange_into_a_static_field() =>
        VerifyMethodBody("    static nint s_p;", """
                    nint p = (nint){|#1:FioMemory.Alloc(16)|};
                    {|#0:Interlocked.Exchange(ref s_p, p)|};
            """, Pinned("C.s_p"));

    [Fact]
    public Task Assignment_inside_a_lambda() =>
        VerifyMethodBody("    static void* s_p;", """
                    Action store = () => {|#0:s_p = {|#1:FioMemory.Alloc(16)|}|};
                    store();
            """, Pinned("C.s_p"));

    [Fact]
    public Task Lambda_capturing_an_allocated_local() =>
        VerifyMethodBody("    static nint s_p;", """
                    nint p = (nint){|#1:FioMemory.Alloc(16)|};
                    Action store = () => {|#0:s_p = p|};
                    store();
            """, Pinned("C.s_p"));

    [Fact]
    public Task Assignment_inside_a_local_function() =>
        VerifyMethodBody("    static void* s_p;", """
                    Store();
                    void Store() { {|#0:s_p = {|#1:FioMemory.Realloc(null, 32)|}|}; }
            """, Pinned("C.s_p"));

    [Fact]
    public Task Lambda_in_a_static_field_initializer() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                static nint s_p;
                static readonly Action s_init = () => {|#0:s_p = (nint){|#1:FioMemory.Alloc(16)|}|};
            }
            """, Pinned("C.s_p"));

    [Fact]
    public Task Static_field_of_another_type() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            static unsafe class Cache { public static void* Slot; }
            unsafe class C
            {
                void M() { {|#0:Cache.Slot = {|#1:FioMemory.Alloc(16)|}|}; }
            }
            """, Pinned("Cache.Slot"));

    [Fact]
    public Task Typed_allocations_and_the_generated_New() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
                public static Node* New() => FioAlloc<Node>.New();
                public static void Free(Node* value) => FioAlloc<Node>.Free(value);
            }
            unsafe class C
            {
                static Node* s_typed;
                static Node* s_generated;
                static FioOwned<Node> s_owned;
                void M()
                {
                    {|#0:s_typed = {|#1:FioAlloc<Node>.New()|}|};
                    {|#2:s_generated = {|#3:Node.New()|}|};
                    {|#4:s_owned = {|#5:FioAlloc<Node>.NewOwned()|}|};
                }
            }
            """,
            Pinned("C.s_typed"),
            Verify.Diagnostic(DiagnosticDescriptors.StaticStorage).WithLocation(2).WithLocation(3).WithArguments("C.s_generated", 131072),
            Verify.Diagnostic(DiagnosticDescriptors.StaticStorage).WithLocation(4).WithLocation(5).WithArguments("C.s_owned", 131072));

    [Fact]
    public Task The_generated_NewOwned() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
                public static FioOwned<Node> NewOwned() => FioAlloc<Node>.NewOwned();
            }
            unsafe class C
            {
                static FioOwned<Node> s_owned;
                void M() { {|#0:s_owned = {|#1:Node.NewOwned()|}|}; }
            }
            """, Pinned("C.s_owned"));

    [Fact]
    public Task A_hand_written_New_of_another_shape_on_a_FioAllocated_struct_is_not_an_allocation() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
                public static Node New() => new Node { Value = 1 };
                public static Node[] NewArray(int count) => new Node[count];
            }
            unsafe class C
            {
                static Node s_value;
                static Node[] s_values;
                void M() { s_value = Node.New(); s_values = Node.NewArray(4); }
            }
            """);

    [Fact]
    public Task The_pointer_of_an_owned_allocation() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
            }
            unsafe class C
            {
                static Node* s_p;
                void M()
                {
                    var owned = {|#1:FioAlloc<Node>.NewOwned()|};
                    {|#0:s_p = owned.Pointer|};
                }
            }
            """, Pinned("C.s_p"));

    [Fact]
    public Task The_code_fix_data_says_which_allocations_are_direct_Alloc_calls()
    {
        // The properties are the contract with the code fix; check them on real diagnostics.
        var source = Usings + """
            [FioAllocated]
            unsafe partial struct Node : IFioAllocated<Node>
            {
                public int Value;
                static string IFioAllocated<Node>.FioTypeName => "Node";
            }
            unsafe class C
            {
                static void* s_a, s_b, s_c, s_d;
                static Node* s_e;
                void M()
                {
                    s_a = FioMemory.Alloc(16);
                    s_b = FioMemory.AllocZeroed(2, 8);
                    s_c = FioMemory.Realloc(null, 16);
                    s_d = FioMemory.AllocZeroed(16);
                    s_e = FioAlloc<Node>.New();
                }
            }
            """;
        return AnalyzerRunner.AssertPropertiesAsync(new StaticStorageAnalyzer(), source,
            StaticStorageAnalyzer.AllocationShapeProperty,
            [StaticStorageAnalyzer.ByteCountShape, StaticStorageAnalyzer.CountTimesSizeShape, null, StaticStorageAnalyzer.ByteCountShape, null]);
    }

    // Negative shapes.

    [Fact]
    public Task Instance_field_is_not_reported() =>
        VerifyMethodBody("    void* _p; nint _n;", """
                    _p = FioMemory.Alloc(16);
                    _n = (nint)_p;
            """);

    [Fact]
    public Task A_freed_local_is_not_reported() =>
        VerifyMethodBody("    static int s_count;", """
                    byte* p = (byte*)FioMemory.Alloc(16);
                    p[0] = 1;
                    s_count = p[0];
                    FioMemory.Free(p);
            """);

    [Fact]
    public Task AllocLongLived_is_not_reported() =>
        VerifyMethodBody("    static void* s_p; static nint s_n;", """
                    s_p = FioMemory.AllocLongLived(16);
                    void* p = FioMemory.AllocLongLived(32);
                    s_n = (nint)p + 8;
            """);

    [Fact]
    public Task NativeMemory_is_not_reported() =>
        VerifyMethodBody("    static void* s_p;", """
                    s_p = System.Runtime.InteropServices.NativeMemory.Alloc(16);
            """);

    [Fact]
    public Task Pointers_not_derived_from_an_allocation_are_not_reported() =>
        VerifyMethodBody("    static void* s_p; static nint s_n; static long s_distance; static int s_value;", """
                    byte* a = (byte*)FioMemory.Alloc(16);
                    byte* b = a + 8;
                    s_distance = b - a;
                    s_value = *a;
                    s_n = flag ? 1 : 2;
                    s_p = null;
                    fixed (int* q = &s_value) { s_n = (nint)q; }
                    FioMemory.Free(a);
            """);

    [Fact]
    public Task Collections_held_in_instance_fields_are_not_reported() =>
        VerifyMethodBody("    readonly List<nint> _items = new(); static readonly List<nint> s_items = new();", """
                    nint p = (nint)FioMemory.Alloc(16);
                    _items.Add(p);
                    s_items.Add(42);
                    s_items.Contains(p);
            """);

    [Fact]
    public Task Static_property_with_a_body_is_not_reported() =>
        VerifyMethodBody("    static nint Computed { get => 0; set { } }", """
                    Computed = (nint)FioMemory.Alloc(16);
            """);

    [Fact]
    public Task Nothing_is_reported_without_a_FioMem_reference() =>
        Verify.VerifyAnalyzerAsync("""
            namespace Other
            {
                static unsafe class FioMemory { public static void* Alloc(nuint n) => null; }
                unsafe class C
                {
                    static void* s_p = FioMemory.Alloc(16);
                }
            }
            """, referenceFioMem: false);
}
