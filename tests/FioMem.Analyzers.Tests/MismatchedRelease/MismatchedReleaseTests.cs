// FIO002: mismatched release found through calls, casts and locals, and the fix that calls the matching release.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyAnalyzer = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.MismatchedRelease.MismatchedReleaseAnalyzer>;
using VerifyFix = FioMem.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    FioMem.Analyzers.MismatchedRelease.MismatchedReleaseAnalyzer,
    FioMem.CodeFixes.MismatchedRelease.UseMatchingReleaseCodeFix>;

namespace FioMem.Analyzers.Tests.MismatchedRelease;

public class MismatchedReleaseTests
{
    private const string Usings = """
        using System;
        using System.Runtime.InteropServices;
        using FioMem;

        """;

    [Fact]
    public Task Message_names_origin_release_and_fix() =>
        VerifyAnalyzer.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    void* p = FioMemory.Alloc(8);
                    NativeMemory.Free(p);
                }
            }
            """,
            VerifyAnalyzer.Diagnostic("FIO002").WithSpan(9, 9, 9, 29).WithArguments("FioMemory.Alloc", "NativeMemory.Free", "FioMemory.Free"));

    [Fact]
    public Task FioMem_memory_freed_by_NativeMemory_is_freed_by_FioMemory() =>
        VerifyFix.VerifyCodeFixAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    byte* p = (byte*)FioMemory.AllocZeroed(4, 8);
                    byte* q = p;
                    // release
                    {|FIO002:NativeMemory.Free(q)|}; // done
                    {|FIO002:NativeMemory.AlignedFree(FioMemory.AllocLongLived(8))|};
                }
            }
            """, Usings + """
            unsafe class C
            {
                void M()
                {
                    byte* p = (byte*)FioMemory.AllocZeroed(4, 8);
                    byte* q = p;
                    // release
                    FioMemory.Free(q); // done
                    FioMemory.Free(FioMemory.AllocLongLived(8));
                }
            }
            """);

    [Fact]
    public Task FioMem_memory_passed_to_FreeHGlobal_gets_a_pointer_cast() =>
        VerifyFix.VerifyCodeFixAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    IntPtr h = (IntPtr)FioMemory.Alloc(8);
                    {|FIO002:Marshal.FreeHGlobal(h)|};
                }
            }
            """, Usings + """
            unsafe class C
            {
                void M()
                {
                    IntPtr h = (IntPtr)FioMemory.Alloc(8);
                    FioMemory.Free((void*)h);
                }
            }
            """);

    [Fact]
    public Task Aligned_HGlobal_and_CoTaskMem_memory_freed_by_FioMemory_use_their_own_release() =>
        VerifyFix.VerifyCodeFixAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    void* a = NativeMemory.Alloc(8);
                    void* b = NativeMemory.AlignedAlloc(8, 64);
                    void* c = Marshal.AllocHGlobal(8).ToPointer();
                    void* d = (void*)Marshal.AllocHGlobal(8);
                    void* e = (void*)Marshal.AllocCoTaskMem(8);
                    {|FIO002:FioMemory.AlignedFree(a)|};
                    {|FIO002:FioMemory.Free(b)|};
                    {|FIO002:FioMemory.Free(c)|};
                    {|FIO002:FioMemory.AlignedFree(d)|};
                    {|FIO002:FioMemory.Free(e)|};
                }
            }
            """, Usings + """
            unsafe class C
            {
                void M()
                {
                    void* a = NativeMemory.Alloc(8);
                    void* b = NativeMemory.AlignedAlloc(8, 64);
                    void* c = Marshal.AllocHGlobal(8).ToPointer();
                    void* d = (void*)Marshal.AllocHGlobal(8);
                    void* e = (void*)Marshal.AllocCoTaskMem(8);
                    NativeMemory.Free(a);
                    NativeMemory.AlignedFree(b);
                    Marshal.FreeHGlobal((nint)c);
                    Marshal.FreeHGlobal((nint)d);
                    Marshal.FreeCoTaskMem((nint)e);
                }
            }
            """);

    [Fact]
    public Task NativeMemory_memory_released_or_reallocated_by_FioMem_is_not_reported() =>
        // FioMemory hands it to the matching NativeMemory call: Free/Realloc take Alloc memory, the aligned pair takes
        // AlignedAlloc memory; the typed frees and resizes go through FioMemory.Free and Realloc.
        VerifyAnalyzer.VerifyAnalyzerAsync(Usings + Particle + """
            unsafe class C
            {
                void M()
                {
                    void* a = NativeMemory.Alloc(8);
                    a = FioMemory.Realloc(a, 16);
                    a = FioMemory.Realloc(a, 32, 8);
                    FioMemory.Free(a);
                    void* z = NativeMemory.AllocZeroed(2, 8);
                    FioMemory.Free(z);
                    void* r = NativeMemory.Realloc(null, 8);
                    FioMemory.Free(r);

                    void* b = NativeMemory.AlignedAlloc(8, 64);
                    b = FioMemory.AlignedRealloc(b, 128, 64);
                    FioMemory.AlignedFree(b);
                    void* c = NativeMemory.AlignedRealloc(null, 8, 64);
                    FioMemory.AlignedFree(c);

                    Particle* p = (Particle*)NativeMemory.AllocZeroed(16);
                    Particle.Free(p);
                    Particle* q = (Particle*)NativeMemory.Alloc(16);
                    FioAlloc<Particle>.Free(q);
                }
            }
            """);

    [Fact]
    public Task Plain_and_aligned_NativeMemory_memory_swapped_on_FioMem_is_reported() =>
        VerifyAnalyzer.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    void* a = NativeMemory.Alloc(8);
                    {|#0:FioMemory.AlignedFree(a)|};
                    void* b = NativeMemory.AlignedAlloc(8, 64);
                    {|#1:FioMemory.Free(b)|};
                    void* c = NativeMemory.Alloc(8);
                    c = {|#2:FioMemory.AlignedRealloc(c, 16, 16)|};
                    void* d = NativeMemory.AlignedAlloc(8, 64);
                    d = {|#3:FioMemory.Realloc(d, 16)|};
                }
            }
            """,
            VerifyAnalyzer.Diagnostic("FIO002").WithLocation(0).WithArguments("NativeMemory.Alloc", "FioMemory.AlignedFree", "NativeMemory.Free"),
            VerifyAnalyzer.Diagnostic("FIO002").WithLocation(1).WithArguments("NativeMemory.AlignedAlloc", "FioMemory.Free", "NativeMemory.AlignedFree"),
            VerifyAnalyzer.Diagnostic("FIO002").WithLocation(2).WithArguments("NativeMemory.Alloc", "FioMemory.AlignedRealloc", "the allocator that made it"),
            VerifyAnalyzer.Diagnostic("FIO002").WithLocation(3).WithArguments("NativeMemory.AlignedAlloc", "FioMemory.Realloc", "the allocator that made it"));

    [Fact]
    public Task FioMem_memory_passed_to_FreeCoTaskMem_gets_a_pointer_cast() =>
        VerifyFix.VerifyCodeFixAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    IntPtr h = (IntPtr)FioMemory.Alloc(8);
                    {|FIO002:Marshal.FreeCoTaskMem(h)|};
                }
            }
            """, Usings + """
            unsafe class C
            {
                void M()
                {
                    IntPtr h = (IntPtr)FioMemory.Alloc(8);
                    FioMemory.Free((void*)h);
                }
            }
            """);

    [Fact]
    public Task Realloc_of_FioMem_memory_by_NativeMemory_is_swapped_when_two_arguments() =>
        VerifyFix.VerifyCodeFixAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    void* b = FioMemory.Alloc(8);
                    b = {|FIO002:NativeMemory.Realloc(b, 16)|};
                }
            }
            """, Usings + """
            unsafe class C
            {
                void M()
                {
                    void* b = FioMemory.Alloc(8);
                    b = FioMemory.Realloc(b, 16);
                }
            }
            """);

    [Fact]
    public Task No_fix_is_offered_without_a_like_for_like_call()
    {
        // Three-argument FioMemory.Realloc, and reallocating HGlobal, CoTaskMem or aligned memory, have no direct equivalent.
        var source = Usings + """
            unsafe class C
            {
                void M()
                {
                    void* a = (void*)Marshal.AllocHGlobal(8);
                    a = {|FIO002:FioMemory.Realloc(a, 16, 8)|};
                    void* b = (void*)Marshal.AllocHGlobal(8);
                    b = {|FIO002:FioMemory.Realloc(b, 16)|};
                    void* c = NativeMemory.AlignedAlloc(8, 64);
                    c = {|FIO002:FioMemory.Realloc(c, 16)|};
                    IntPtr g = (IntPtr)FioMemory.Alloc(8);
                    g = {|FIO002:Marshal.ReAllocCoTaskMem(g, 16)|};
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task Typed_FioAlloc_memory_and_FioAlloc_Free_are_checked() =>
        VerifyFix.VerifyCodeFixAsync(Usings + """
            [FioAllocated]
            partial struct Node : IFioAllocated<Node> { public int V; public static string FioTypeName => "Node"; }
            unsafe class C
            {
                void M()
                {
                    Node* n = FioAlloc<Node>.New();
                    {|FIO002:NativeMemory.Free(n)|};
                    Node* m = (Node*)Marshal.AllocHGlobal(sizeof(Node));
                    {|FIO002:FioAlloc<Node>.Free(m)|};
                }
            }
            """, Usings + """
            [FioAllocated]
            partial struct Node : IFioAllocated<Node> { public int V; public static string FioTypeName => "Node"; }
            unsafe class C
            {
                void M()
                {
                    Node* n = FioAlloc<Node>.New();
                    FioMemory.Free(n);
                    Node* m = (Node*)Marshal.AllocHGlobal(sizeof(Node));
                    Marshal.FreeHGlobal((nint)m);
                }
            }
            """);

    [Fact]
    public Task Both_branches_of_a_conditional_and_chained_assignments_count_as_origins() =>
        VerifyAnalyzer.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                void M(bool b, void* p)
                {
                    void* same = b ? FioMemory.Alloc(8) : FioMemory.AllocZeroed(8);
                    {|FIO002:NativeMemory.Free(same)|};
                    void* x, y;
                    x = y = FioMemory.Alloc(8);
                    {|FIO002:NativeMemory.Free(x)|};
                    void* mixed = b ? FioMemory.Alloc(8) : NativeMemory.Alloc(8);
                    NativeMemory.Free(mixed);
                }
            }
            """);

    [Fact]
    public Task Fix_All_rewrites_every_mismatch_in_the_document() =>
        VerifyFix.VerifyCodeFixAsync(Usings + """
            unsafe class C
            {
                void M()
                {
                    void* a = FioMemory.Alloc(8);
                    void* b = FioMemory.Alloc(8);
                    {|FIO002:NativeMemory.Free(a)|};
                    {|FIO002:NativeMemory.Free(b)|};
                }
            }
            """, Usings + """
            unsafe class C
            {
                void M()
                {
                    void* a = FioMemory.Alloc(8);
                    void* b = FioMemory.Alloc(8);
                    FioMemory.Free(a);
                    FioMemory.Free(b);
                }
            }
            """);

    [Fact]
    public Task Matching_releases_unknown_and_mixed_origins_are_not_reported() =>
        VerifyAnalyzer.VerifyAnalyzerAsync(Usings + """
            unsafe class C
            {
                void* _field = FioMemory.Alloc(8);
                static void* Other() => null;

                void M(void* parameter, bool b)
                {
                    void* a = FioMemory.Alloc(8);
                    FioMemory.Free(a);
                    void* n = NativeMemory.Alloc(8);
                    NativeMemory.Free(n);
                    IntPtr h = Marshal.AllocHGlobal(8);
                    Marshal.FreeHGlobal(h);

                    NativeMemory.Free(parameter);
                    NativeMemory.Free(_field);
                    NativeMemory.Free(Other());

                    void* mixed = FioMemory.Alloc(8);
                    if (b) mixed = NativeMemory.Alloc(8);
                    NativeMemory.Free(mixed);

                    void* moved = FioMemory.Alloc(8);
                    moved = (byte*)moved + 1;
                    NativeMemory.Free(moved);

                    void* nulled = null;
                    NativeMemory.Free(nulled);

                    // Aligned vs. plain NativeMemory is not FioMem's business.
                    void* aligned = NativeMemory.AlignedAlloc(8, 8);
                    NativeMemory.Free(aligned);
                }
            }
            """);

    // A [FioAllocated] struct with the shorthand the generator gives it (written out: no generator runs here).
    private const string Particle = """
        [FioAllocated]
        unsafe partial struct Particle : IFioAllocated<Particle>
        {
            public float X;
            static string IFioAllocated<Particle>.FioTypeName => "Particle";
            public static Particle* New() => FioAlloc<Particle>.New();
            public static FioOwned<Particle> NewOwned() => FioAlloc<Particle>.NewOwned();
            public static void Free(Particle* value) => FioAlloc<Particle>.Free(value);
        }

        """;

    [Fact]
    public Task Generated_New_freed_by_NativeMemory_is_freed_by_FioMemory() =>
        VerifyFix.VerifyCodeFixAsync(Usings + Particle + """
            unsafe class C
            {
                void M()
                {
                    Particle* p = Particle.New();
                    {|FIO002:NativeMemory.Free(p)|};
                }
            }
            """, Usings + Particle + """
            unsafe class C
            {
                void M()
                {
                    Particle* p = Particle.New();
                    FioMemory.Free(p);
                }
            }
            """);

    [Fact]
    public Task Aligned_NativeMemory_memory_freed_by_the_generated_Free_is_reported() =>
        VerifyAnalyzer.VerifyAnalyzerAsync(Usings + Particle + """
            unsafe class C
            {
                void M()
                {
                    Particle* p = (Particle*)NativeMemory.AlignedAlloc(16, 64);
                    {|#0:Particle.Free(p)|};
                }
            }
            """,
            VerifyAnalyzer.Diagnostic("FIO002").WithLocation(0).WithArguments("NativeMemory.AlignedAlloc", "Particle.Free", "NativeMemory.AlignedFree"));

    [Fact]
    public Task Aligned_NativeMemory_memory_freed_by_the_generated_Free_is_freed_by_NativeMemory() =>
        VerifyFix.VerifyCodeFixAsync(Usings + Particle + """
            unsafe class C
            {
                void M()
                {
                    Particle* p = (Particle*)NativeMemory.AlignedAlloc(16, 64);
                    {|FIO002:Particle.Free(p)|};
                }
            }
            """, Usings + Particle + """
            unsafe class C
            {
                void M()
                {
                    Particle* p = (Particle*)NativeMemory.AlignedAlloc(16, 64);
                    NativeMemory.AlignedFree(p);
                }
            }
            """);

    [Fact]
    public Task Pointer_of_an_owner_freed_by_NativeMemory_is_reported() =>
        VerifyAnalyzer.VerifyAnalyzerAsync(Usings + Particle + """
            unsafe class C
            {
                void M()
                {
                    var owned = Particle.NewOwned();
                    {|#0:NativeMemory.Free(owned.Pointer)|};
                    var typed = FioAlloc<Particle>.NewOwned();
                    {|#1:NativeMemory.AlignedFree(typed.Pointer)|};
                }
            }
            """,
            VerifyAnalyzer.Diagnostic("FIO002").WithLocation(0).WithArguments("Particle.NewOwned", "NativeMemory.Free", "FioMemory.Free"),
            VerifyAnalyzer.Diagnostic("FIO002").WithLocation(1).WithArguments("FioAlloc.NewOwned", "NativeMemory.AlignedFree", "FioMemory.Free"));

    [Fact]
    public Task FioMem_memory_reallocated_by_NativeMemory_AlignedRealloc_is_reported_without_a_fix()
    {
        const string Source = Usings + """
            unsafe class C
            {
                void M()
                {
                    void* p = FioMemory.Alloc(64);
                    p = {|FIO002:NativeMemory.AlignedRealloc(p, 128, 64)|};
                }
            }
            """;
        return VerifyFix.VerifyCodeFixAsync(Source, Source);
    }

    [Fact]
    public Task Nothing_is_reported_without_a_FioMem_reference() =>
        VerifyAnalyzer.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            unsafe class C { void M() { void* p = NativeMemory.Alloc(8); NativeMemory.AlignedFree(p); } }
            """, referenceFioMem: false);
}
