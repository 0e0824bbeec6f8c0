// FIO001's code fix: direct FioMemory.Alloc/AllocZeroed calls become AllocLongLived; nothing else is offered a fix.
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Diagnostics;
using FioMem.Analyzers.StaticStorage;
using FioMem.CodeFixes.StaticStorage;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    FioMem.Analyzers.StaticStorage.StaticStorageAnalyzer,
    FioMem.CodeFixes.StaticStorage.UseAllocLongLivedCodeFix>;

namespace FioMem.Analyzers.Tests.StaticStorage;

public class UseAllocLongLivedCodeFixTests
{
    private static DiagnosticResult Pinned(int store, int allocation, string member) =>
        Verify.Diagnostic(DiagnosticDescriptors.StaticStorage).WithLocation(store).WithLocation(allocation).WithArguments(member, 131072);

    [Fact]
    public Task Alloc_becomes_AllocLongLived() =>
        Verify.VerifyCodeFixAsync("""
            using FioMem;
            unsafe class C
            {
                static void* s_p;
                void M() { {|#0:s_p = {|#1:FioMemory.Alloc(16)|}|}; }
            }
            """, """
            using FioMem;
            unsafe class C
            {
                static void* s_p;
                void M() { s_p = FioMemory.AllocLongLived(16); }
            }
            """, Pinned(0, 1, "C.s_p"));

    [Fact]
    public Task AllocZeroed_in_a_field_initializer_keeps_comments() =>
        Verify.VerifyCodeFixAsync("""
            using FioMem;
            unsafe class C
            {
                // The lookup table.
                static readonly byte* s_table {|#0:= (byte*) /* table */ {|#1:FioMemory.AllocZeroed( /* bytes */ 256 )|}|}; // lives forever
            }
            """, """
            using FioMem;
            unsafe class C
            {
                // The lookup table.
                static readonly byte* s_table = (byte*) /* table */ FioMemory.AllocLongLived( /* bytes */ 256 ); // lives forever
            }
            """, Pinned(0, 1, "C.s_table"));

    [Fact]
    public Task The_allocation_behind_a_local_is_rewritten() =>
        Verify.VerifyCodeFixAsync("""
            using FioMem;
            unsafe class C
            {
                static nint s_p;
                static C()
                {
                    byte* p = (byte*){|#1:FioMemory.Alloc(64)|};
                    p[0] = 1;
                    {|#0:s_p = (nint)p|};
                }
            }
            """, """
            using FioMem;
            unsafe class C
            {
                static nint s_p;
                static C()
                {
                    byte* p = (byte*)FioMemory.AllocLongLived(64);
                    p[0] = 1;
                    s_p = (nint)p;
                }
            }
            """, Pinned(0, 1, "C.s_p"));

    [Fact]
    public Task Using_static_alias_and_global_calls_keep_their_receiver() =>
        Verify.VerifyCodeFixAsync("""
            using static FioMem.FioMemory;
            using Mem = FioMem.FioMemory;
            unsafe class C
            {
                static void* s_a, s_b, s_c;
                void M()
                {
                    {|#0:s_a = {|#1:Alloc(16)|}|};
                    {|#2:s_b = {|#3:Mem.AllocZeroed(16)|}|};
                    {|#4:s_c = {|#5:global::FioMem.FioMemory.Alloc(16)|}|};
                }
            }
            """, """
            using static FioMem.FioMemory;
            using Mem = FioMem.FioMemory;
            unsafe class C
            {
                static void* s_a, s_b, s_c;
                void M()
                {
                    s_a = AllocLongLived(16);
                    s_b = Mem.AllocLongLived(16);
                    s_c = global::FioMem.FioMemory.AllocLongLived(16);
                }
            }
            """, Pinned(0, 1, "C.s_a"), Pinned(2, 3, "C.s_b"), Pinned(4, 5, "C.s_c"));

    [Fact]
    public Task Two_argument_Alloc_multiplies_in_nuint_with_overflow_checking() =>
        Verify.VerifyCodeFixAsync("""
            using FioMem;
            unsafe class C
            {
                static void* s_a, s_b, s_c;
                void M(nuint count, uint size, int shift)
                {
                    {|#0:s_a = {|#1:FioMemory.Alloc(count, 8)|}|};
                    {|#2:s_b = {|#3:FioMemory.AllocZeroed(4, size)|}|};
                    {|#4:s_c = {|#5:FioMemory.Alloc(count + 1, (nuint)(1 << shift))|}|};
                }
            }
            """, """
            using FioMem;
            unsafe class C
            {
                static void* s_a, s_b, s_c;
                void M(nuint count, uint size, int shift)
                {
                    s_a = FioMemory.AllocLongLived(checked(count * 8));
                    s_b = FioMemory.AllocLongLived(checked((nuint)4 * size));
                    s_c = FioMemory.AllocLongLived(checked((count + 1) * (nuint)(1 << shift)));
                }
            }
            """, Pinned(0, 1, "C.s_a"), Pinned(2, 3, "C.s_b"), Pinned(4, 5, "C.s_c"));

    [Fact]
    public Task Fix_all_rewrites_every_allocation_once_even_when_stored_twice()
    {
        var test = new Verify.Test
        {
            TestCode = """
                using System.Collections.Generic;
                using FioMem;
                unsafe class C
                {
                    static nint s_a, s_b;
                    static readonly List<nint> s_all = new();
                    static void* s_c {|#4:= {|#5:FioMemory.AllocZeroed(8)|}|};
                    void M()
                    {
                        nint p = (nint){|#1:FioMemory.Alloc(16)|};
                        {|#0:s_a = p|};
                        {|#2:s_b = p|};
                        {|#3:s_all.Add(p)|};
                    }
                }
                """,
            FixedCode = """
                using System.Collections.Generic;
                using FioMem;
                unsafe class C
                {
                    static nint s_a, s_b;
                    static readonly List<nint> s_all = new();
                    static void* s_c = FioMemory.AllocLongLived(8);
                    void M()
                    {
                        nint p = (nint)FioMemory.AllocLongLived(16);
                        s_a = p;
                        s_b = p;
                        s_all.Add(p);
                    }
                }
                """,
            // One fix clears the three stores of p; a second clears the initializer.
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
        };
        test.ExpectedDiagnostics.AddRange([
            Pinned(0, 1, "C.s_a"), Pinned(2, 1, "C.s_b"), Pinned(3, 1, "C.s_all"), Pinned(4, 5, "C.s_c")]);
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task No_fix_for_Realloc_and_typed_allocations() =>
        Verify.VerifyCodeFixAsync(Source, Source,
            Pinned(0, 1, "C.s_a"), Pinned(2, 3, "C.s_b"), Pinned(4, 5, "C.s_c"));

    private const string Source = """
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
            static void* s_a;
            static Node* s_b, s_c;
            void M()
            {
                {|#0:s_a = {|#1:FioMemory.Realloc(null, 16)|}|};
                {|#2:s_b = {|#3:FioAlloc<Node>.New()|}|};
                {|#4:s_c = {|#5:Node.New()|}|};
            }
        }
        """;
}
