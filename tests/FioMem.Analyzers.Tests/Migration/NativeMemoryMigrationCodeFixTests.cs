// FIO003 "Use FioMem allocator": every rewrite the fix makes, run one at a time and as Fix All (document, project, solution).
using System.Threading.Tasks;
using FioMem.Analyzers.Migration;
using FioMem.CodeFixes.Migration;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer,
    FioMem.CodeFixes.Migration.UseFioMemAllocatorCodeFix>;

namespace FioMem.Analyzers.Tests.Migration;

public class NativeMemoryMigrationCodeFixTests
{
    [Fact]
    public Task Alloc_and_its_Free_move_together_and_using_is_added() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;

            unsafe class C
            {
                void M()
                {
                    // a scratch buffer
                    byte* p = (byte*){|FIO003:NativeMemory.Alloc(64)|}; // trailing comment
                    p[0] = 1;
                    {|FIO003:NativeMemory.Free(p)|};
                }
            }
            """, """
            using FioMem;

            unsafe class C
            {
                void M()
                {
                    // a scratch buffer
                    byte* p = (byte*)FioMemory.Alloc(64); // trailing comment
                    p[0] = 1;
                    FioMemory.Free(p);
                }
            }
            """);

    [Fact]
    // Thread-local state made, used and freed by the lambdas of one Parallel.For: the allocation and its release move
    // together, inside the lambdas.
    public Task Thread_local_state_of_a_Parallel_For_moves_inside_its_lambdas() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;
            using System.Threading.Tasks;

            unsafe class C
            {
                void M(int rows)
                {
                    Parallel.For(0, rows, () => (nuint){|FIO003:NativeMemory.AlignedAlloc(256, 32)|}, (row, state, panel) =>
                    {
                        ((byte*)panel)[0] = (byte)row;
                        return panel;
                    }, panel => {|FIO003:NativeMemory.AlignedFree((void*)panel)|});
                }
            }
            """, """
            using System.Threading.Tasks;
            using FioMem;

            unsafe class C
            {
                void M(int rows)
                {
                    Parallel.For(0, rows, () => (nuint)FioMemory.AlignedAlloc(256, 32), (row, state, panel) =>
                    {
                        ((byte*)panel)[0] = (byte)row;
                        return panel;
                    }, panel => FioMemory.AlignedFree((void*)panel));
                }
            }
            """);

    [Fact]
    public Task Every_eligible_overload_is_rewritten_to_the_same_call() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;
            using FioMem;

            unsafe class C
            {
                void M(nuint n)
                {
                    void* a = {|FIO003:NativeMemory.Alloc(n)|};
                    void* b = {|FIO003:NativeMemory.Alloc(4, n)|};
                    void* c = {|FIO003:NativeMemory.AllocZeroed(n)|};
                    void* d = {|FIO003:NativeMemory.AllocZeroed(4, n)|};
                    a = {|FIO003:NativeMemory.Realloc(a, 2 * n)|};
                    {|FIO003:NativeMemory.Free(a)|};
                    {|FIO003:NativeMemory.Free(b)|};
                    {|FIO003:NativeMemory.Free(c)|};
                    {|FIO003:NativeMemory.Free(d)|};
                }
            }
            """, """
            using FioMem;

            unsafe class C
            {
                void M(nuint n)
                {
                    void* a = FioMemory.Alloc(n);
                    void* b = FioMemory.Alloc(4, n);
                    void* c = FioMemory.AllocZeroed(n);
                    void* d = FioMemory.AllocZeroed(4, n);
                    a = FioMemory.Realloc(a, 2 * n);
                    FioMemory.Free(a);
                    FioMemory.Free(b);
                    FioMemory.Free(c);
                    FioMemory.Free(d);
                }
            }
            """);

    [Fact]
    // FioMemory has NativeMemory's aligned family with the same signatures: every alignment, named arguments kept.
    public Task The_aligned_family_maps_one_to_one_with_its_arguments() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;

            unsafe class SimdTable
            {
                private float* _table;
                private nuint _alignment;

                public SimdTable(nuint alignment)
                {
                    _alignment = alignment;
                    _table = (float*){|FIO003:NativeMemory.AlignedAlloc(256, alignment)|};
                }

                public void Grow() => _table = (float*){|FIO003:NativeMemory.AlignedRealloc(_table, 1024, _alignment)|};

                public void Dispose() => {|FIO003:NativeMemory.AlignedFree(_table)|};

                static void Page()
                {
                    void* page = {|FIO003:NativeMemory.AlignedAlloc(alignment: 4096, byteCount: 4096)|};
                    void* line = {|FIO003:NativeMemory.AlignedAlloc(64, 64)|};
                    {|FIO003:NativeMemory.AlignedFree(page)|};
                    {|FIO003:NativeMemory.AlignedFree(line)|};
                }
            }
            """, """
            using FioMem;

            unsafe class SimdTable
            {
                private float* _table;
                private nuint _alignment;

                public SimdTable(nuint alignment)
                {
                    _alignment = alignment;
                    _table = (float*)FioMemory.AlignedAlloc(256, alignment);
                }

                public void Grow() => _table = (float*)FioMemory.AlignedRealloc(_table, 1024, _alignment);

                public void Dispose() => FioMemory.AlignedFree(_table);

                static void Page()
                {
                    void* page = FioMemory.AlignedAlloc(alignment: 4096, byteCount: 4096);
                    void* line = FioMemory.AlignedAlloc(64, 64);
                    FioMemory.AlignedFree(page);
                    FioMemory.AlignedFree(line);
                }
            }
            """);

    [Fact]
    // An aligned wrapper whose alignment is a parameter, used from another type.
    public Task An_aligned_wrapper_and_its_callers_move_together() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;

            static unsafe class Aligned
            {
                public static void* Alloc(nuint size, nuint alignment) => {|FIO003:NativeMemory.AlignedAlloc(size, alignment)|};
                public static void Free(void* p) => {|FIO003:NativeMemory.AlignedFree(p)|};
            }

            unsafe class Arena
            {
                private byte* _pages = (byte*)Aligned.Alloc(8192, 4096);
                public void Dispose() => Aligned.Free(_pages);
            }
            """, """
            using FioMem;

            static unsafe class Aligned
            {
                public static void* Alloc(nuint size, nuint alignment) => FioMemory.AlignedAlloc(size, alignment);
                public static void Free(void* p) => FioMemory.AlignedFree(p);
            }

            unsafe class Arena
            {
                private byte* _pages = (byte*)Aligned.Alloc(8192, 4096);
                public void Dispose() => Aligned.Free(_pages);
            }
            """);

    [Fact]
    // Nothing frees the table: AllocLongLived, since plain Alloc would keep a whole block reserved for good.
    public Task Never_freed_memory_becomes_AllocLongLived() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;

            static unsafe class Lookup
            {
                private static readonly byte* s_table = (byte*){|FIO003:NativeMemory.AllocZeroed(256)|};
                public static byte Get(int i) => s_table[i];
            }
            """, """
            using FioMem;

            static unsafe class Lookup
            {
                private static readonly byte* s_table = (byte*)FioMemory.AllocLongLived(256);
                public static byte Get(int i) => s_table[i];
            }
            """);

    [Fact]
    // Marshal is still used: its using stays; the NativeMemory alias nothing uses any more goes.
    public Task Only_the_imports_nothing_uses_any_more_are_removed() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using System.Runtime.InteropServices;
            using NM = System.Runtime.InteropServices.NativeMemory;

            unsafe class C
            {
                void M()
                {
                    IntPtr h = Marshal.AllocHGlobal(8);
                    Marshal.FreeHGlobal(h);
                    void* p = {|FIO003:NM.Alloc(8)|};
                    {|FIO003:NM.Free(p)|};
                }
            }
            """, """
            using System;
            using System.Runtime.InteropServices;
            using FioMem;

            unsafe class C
            {
                void M()
                {
                    IntPtr h = Marshal.AllocHGlobal(8);
                    Marshal.FreeHGlobal(h);
                    void* p = FioMemory.Alloc(8);
                    FioMemory.Free(p);
                }
            }
            """);

    [Fact]
    public Task Using_static_alias_fully_qualified_and_global_calls_are_rewritten() =>
        Verify.VerifyCodeFixAsync("""
            using static System.Runtime.InteropServices.NativeMemory;
            using NM = System.Runtime.InteropServices.NativeMemory;

            unsafe class C
            {
                void M()
                {
                    void* a = {|FIO003:Alloc(8)|};
                    void* b = {|FIO003:NM.Alloc(8)|};
                    void* c = {|FIO003:System.Runtime.InteropServices.NativeMemory.Alloc(8)|};
                    void* d = {|FIO003:global::System.Runtime.InteropServices.NativeMemory.Alloc(8)|};
                    {|FIO003:Free(a)|};
                    {|FIO003:NM.Free(b)|};
                    {|FIO003:System.Runtime.InteropServices.NativeMemory.Free(c)|};
                    {|FIO003:global::System.Runtime.InteropServices.NativeMemory.Free(d)|};
                }
            }
            """, """
            using FioMem;

            unsafe class C
            {
                void M()
                {
                    void* a = FioMemory.Alloc(8);
                    void* b = FioMemory.Alloc(8);
                    void* c = FioMemory.Alloc(8);
                    void* d = FioMemory.Alloc(8);
                    FioMemory.Free(a);
                    FioMemory.Free(b);
                    FioMemory.Free(c);
                    FioMemory.Free(d);
                }
            }
            """);

    [Fact]
    public Task A_call_used_as_the_argument_of_Free_is_rewritten_with_it() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;
            using FioMem;

            unsafe class C
            {
                void M() => {|FIO003:NativeMemory.Free({|FIO003:NativeMemory.Alloc(8)|})|};
            }
            """, """
            using FioMem;

            unsafe class C
            {
                void M() => FioMemory.Free(FioMemory.Alloc(8));
            }
            """);

    [Fact]
    public Task Pointer_through_several_locals_and_casts_stays_one_group() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using System.Runtime.InteropServices;
            using FioMem;

            unsafe class C
            {
                void M()
                {
                    IntPtr handle = (IntPtr){|FIO003:NativeMemory.AllocZeroed(16)|};
                    nint copy = handle;
                    byte* bytes = (byte*)copy;
                    bytes = null;
                    {|FIO003:NativeMemory.Free((void*)copy)|};
                }
            }
            """, """
            using System;
            using FioMem;

            unsafe class C
            {
                void M()
                {
                    IntPtr handle = (IntPtr)FioMemory.AllocZeroed(16);
                    nint copy = handle;
                    byte* bytes = (byte*)copy;
                    bytes = null;
                    FioMemory.Free((void*)copy);
                }
            }
            """);

    [Fact]
    public Task Private_field_allocated_in_constructor_and_freed_in_Dispose_moves_as_one() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using System.Runtime.InteropServices;
            using FioMem;

            sealed unsafe class Buffer : IDisposable
            {
                private byte* _data;
                private void* _scratch = {|FIO003:NativeMemory.Alloc(32)|};

                public Buffer() => _data = (byte*){|FIO003:NativeMemory.Alloc(128)|};

                public void Grow() => _data = (byte*){|FIO003:NativeMemory.Realloc(_data, 256)|};

                public void Dispose()
                {
                    {|FIO003:NativeMemory.Free(_data)|};
                    {|FIO003:NativeMemory.Free(this._scratch)|};
                    _data = null;
                }
            }
            """, """
            using System;
            using FioMem;

            sealed unsafe class Buffer : IDisposable
            {
                private byte* _data;
                private void* _scratch = FioMemory.Alloc(32);

                public Buffer() => _data = (byte*)FioMemory.Alloc(128);

                public void Grow() => _data = (byte*)FioMemory.Realloc(_data, 256);

                public void Dispose()
                {
                    FioMemory.Free(_data);
                    FioMemory.Free(this._scratch);
                    _data = null;
                }
            }
            """);

    [Fact]
    public Task Allocation_in_a_lambda_and_a_local_function_is_rewritten() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using System.Runtime.InteropServices;
            using FioMem;

            unsafe class C
            {
                void M()
                {
                    Action a = () =>
                    {
                        void* p = {|FIO003:NativeMemory.Alloc(8)|};
                        {|FIO003:NativeMemory.Free(p)|};
                    };
                    Local();

                    void Local()
                    {
                        void* q = {|FIO003:NativeMemory.Alloc(8)|};
                        {|FIO003:NativeMemory.Free(q)|};
                    }
                }
            }
            """, """
            using System;
            using FioMem;

            unsafe class C
            {
                void M()
                {
                    Action a = () =>
                    {
                        void* p = FioMemory.Alloc(8);
                        FioMemory.Free(p);
                    };
                    Local();

                    void Local()
                    {
                        void* q = FioMemory.Alloc(8);
                        FioMemory.Free(q);
                    }
                }
            }
            """);

    [Fact]
    public Task Both_branches_of_a_conditional_are_part_of_the_group() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;
            using FioMem;

            sealed unsafe class Growable
            {
                private int* _data;

                public void Grow(nuint bytes) =>
                    _data = (int*)(_data is null ? {|FIO003:NativeMemory.Alloc(bytes)|} : {|FIO003:NativeMemory.Realloc(_data, bytes)|});

                public void Dispose(bool keep)
                {
                    int* last = keep ? null : _data;
                    {|FIO003:NativeMemory.Free(last)|};
                }
            }
            """, """
            using FioMem;

            sealed unsafe class Growable
            {
                private int* _data;

                public void Grow(nuint bytes) =>
                    _data = (int*)(_data is null ? FioMemory.Alloc(bytes) : FioMemory.Realloc(_data, bytes));

                public void Dispose(bool keep)
                {
                    int* last = keep ? null : _data;
                    FioMemory.Free(last);
                }
            }
            """);

    [Fact]
    // The unknown pointer keeps nothing on NativeMemory: FioMemory.Free hands memory FioMem did not allocate back there.
    public Task Conditional_mixing_in_an_unknown_pointer_moves_the_allocation_and_its_release() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;
            public unsafe class C
            {
                public void M(bool b, void* other)
                {
                    void* p = b ? {|FIO003:NativeMemory.Alloc(8)|} : other;
                    {|FIO003:NativeMemory.Free(p)|};
                }
            }
            """, """
            using FioMem;
            public unsafe class C
            {
                public void M(bool b, void* other)
                {
                    void* p = b ? FioMemory.Alloc(8) : other;
                    FioMemory.Free(p);
                }
            }
            """);

    [Fact]
    public Task A_user_type_named_FioMemory_keeps_the_rewrite_qualified() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;

            namespace App
            {
                class FioMemory { }

                unsafe class C
                {
                    void M()
                    {
                        void* p = {|FIO003:NativeMemory.Alloc(8)|};
                        {|FIO003:NativeMemory.Free(p)|};
                    }
                }
            }
            """, """
            namespace App
            {
                class FioMemory { }

                unsafe class C
                {
                    void M()
                    {
                        void* p = FioMem.FioMemory.Alloc(8);
                        FioMem.FioMemory.Free(p);
                    }
                }
            }
            """);

    [Fact]
    public async Task Fix_All_covers_every_document_of_the_project_and_a_partial_type_across_files()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", """
            using System.Runtime.InteropServices;

            unsafe partial class Holder
            {
                private void* _p = {|FIO003:NativeMemory.Alloc(8)|};
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            using System.Runtime.InteropServices;

            unsafe partial class Holder
            {
                public void Release() => {|FIO003:NativeMemory.Free(_p)|};
            }

            unsafe class Other
            {
                void M()
                {
                    void* q = {|FIO003:NativeMemory.Alloc(8)|};
                    {|FIO003:NativeMemory.Free(q)|};
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using FioMem;

            unsafe partial class Holder
            {
                private void* _p = FioMemory.Alloc(8);
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            using FioMem;

            unsafe partial class Holder
            {
                public void Release() => FioMemory.Free(_p);
            }

            unsafe class Other
            {
                void M()
                {
                    void* q = FioMemory.Alloc(8);
                    FioMemory.Free(q);
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_All_in_solution_rewrites_every_project()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add("""
            using System.Runtime.InteropServices;
            unsafe class A { void M() { void* p = {|FIO003:NativeMemory.Alloc(1)|}; {|FIO003:NativeMemory.Free(p)|}; } }
            """);
        var second = new Microsoft.CodeAnalysis.Testing.ProjectState("Second", Microsoft.CodeAnalysis.LanguageNames.CSharp, "/0/Second", "cs");
        test.TestState.AdditionalProjects.Add("Second", second);
        second.Sources.Add("""
            using System.Runtime.InteropServices;
            unsafe class B { void M() { void* p = {|FIO003:NativeMemory.AllocZeroed(1)|}; {|FIO003:NativeMemory.Free(p)|}; } }
            """);
        second.AdditionalReferences.AddRange(Verifiers.TestReferences.WithFioMem);

        test.FixedState.Sources.Add("""
            using FioMem;
            unsafe class A { void M() { void* p = FioMemory.Alloc(1); FioMemory.Free(p); } }
            """);
        var secondFixed = new Microsoft.CodeAnalysis.Testing.ProjectState("Second", Microsoft.CodeAnalysis.LanguageNames.CSharp, "/0/Second", "cs");
        test.FixedState.AdditionalProjects.Add("Second", secondFixed);
        secondFixed.Sources.Add("""
            using FioMem;
            unsafe class B { void M() { void* p = FioMemory.AllocZeroed(1); FioMemory.Free(p); } }
            """);
        secondFixed.AdditionalReferences.AddRange(Verifiers.TestReferences.WithFioMem);
        test.SolutionTransforms.Add((solution, _) =>
        {
            foreach (var project in solution.Projects)
            {
                var options = ((Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions)project.CompilationOptions!).WithAllowUnsafe(true);
                solution = solution.WithProjectCompilationOptions(project.Id, options);
            }

            return solution;
        });
        await test.RunAsync();
    }

    [Fact]
    // FioMem is referenced for one target of several: FioMemory is an alias, FioMem's under #if FIOMEM and NativeMemory
    // on the other targets that have it (.NET 6 and later), so the shared file compiles on every target, a
    // .NET Standard one included; never-freed memory (AllocLongLived) stays.
    public Task In_a_multi_targeting_project_the_fix_writes_a_conditional_alias() =>
        VerifyConditionalAliasAsync("#elif NET6_0_OR_GREATER");

    [Fact]
    // A polyfill NativeMemory (declared for targets before .NET 6, inactive in this one) serves the older targets too:
    // the alias names NativeMemory under #else, not only where .NET provides it.
    public Task A_project_with_its_own_NativeMemory_for_older_targets_gets_the_NativeMemory_alias_on_every_other_target() =>
        VerifyConditionalAliasAsync("#else", ("/Polyfill.cs", Polyfill));

    [Fact]
    // A generic NativeMemory<T> of the project's own (a collection type) is no polyfill of NativeMemory: the alias for the
    // other targets stays where .NET has NativeMemory (under #else it would not compile on .NET Standard).
    public Task A_project_with_a_generic_type_named_NativeMemory_still_gets_the_alias_only_where_NET_has_it() =>
        VerifyConditionalAliasAsync("#elif NET6_0_OR_GREATER", ("/Collections.cs", "namespace App.Collections { public readonly struct NativeMemory<T> where T : unmanaged { } }"));

    // One shared file of a project targeting net10.0 (with FioMem, FIOMEM defined) and netstandard2.1; otherTargets is
    // the directive the alias for the targets without FioMem must sit under.
    private static async Task VerifyConditionalAliasAsync(string otherTargets, params (string Path, string Source)[] extraSources)
    {
        var test = new Verify.Test
        {
            TestCode = """
                using System.Runtime.InteropServices;

                namespace App;

                unsafe class C
                {
                    private static byte* s_table = (byte*)NativeMemory.Alloc(8);

                    void M()
                    {
                        void* p = {|FIO003:NativeMemory.Alloc(8)|};
                        {|FIO003:NativeMemory.Free(p)|};
                    }
                }
                """,
            FixedCode = """
                using System.Runtime.InteropServices;
                #if FIOMEM
                using FioMemory = FioMem.FioMemory;
                OTHER_TARGETS
                using FioMemory = System.Runtime.InteropServices.NativeMemory;
                #endif

                namespace App;

                unsafe class C
                {
                    private static byte* s_table = (byte*)NativeMemory.Alloc(8);

                    void M()
                    {
                        void* p = FioMemory.Alloc(8);
                        FioMemory.Free(p);
                    }
                }
                """.Replace("OTHER_TARGETS", otherTargets),
        };
        foreach (var source in extraSources)
        {
            test.TestState.Sources.Add(source);
            test.FixedState.Sources.Add(source);
        }

        const string config = "is_global = true\nbuild_property.FioMemTargetFrameworks = net10.0 netstandard2.1\n";
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", config));
        test.FixedState.AnalyzerConfigFiles.Add(("/.globalconfig", config));
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var parse = (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!;
            return solution.WithProjectParseOptions(projectId, parse.WithPreprocessorSymbols("FIOMEM"));
        });
        await test.RunAsync();
    }

    private const string Polyfill = """
        #if !NET6_0_OR_GREATER
        namespace System.Runtime.InteropServices
        {
            internal static unsafe class NativeMemory
            {
                public static void* Alloc(nuint byteCount) => (void*)Marshal.AllocHGlobal((nint)byteCount);
                public static void Free(void* ptr) => Marshal.FreeHGlobal((nint)ptr);
            }
        }
        #endif
        """;
}
