// FIO003 is safe by construction: FioMemory's releases hand memory FioMem did not allocate back to NativeMemory, so
// every release moves whatever its pointer's origin, and an allocation stays only where its memory can reach a release
// FioMem does not control.
using System.Threading.Tasks;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer>;
using VerifyFix = FioMem.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer,
    FioMem.CodeFixes.Migration.UseFioMemAllocatorCodeFix>;

namespace FioMem.Analyzers.Tests.Migration;

public class SafeByConstructionTests
{
    [Fact]
    // Parameters (of a private, a public and an override member), null, the results of a P/Invoke, a delegate and a
    // function pointer, reads through a pointer, an array and a tuple, another assembly's field: each release is
    // reported in a group of its own. The SafeHandle's allocation goes to another assembly's method and stays.
    public Task Every_release_of_unknown_origin_is_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Runtime.InteropServices;
            unsafe sealed class Handle : SafeHandle
            {
                public Handle() : base(IntPtr.Zero, true) { SetHandle((nint){|#12:NativeMemory.Alloc(8)|}); }
                public override bool IsInvalid => handle == IntPtr.Zero;
                protected override bool ReleaseHandle() { {|#0:NativeMemory.Free((void*)handle)|}; return true; }
            }
            public unsafe class C
            {
                [DllImport("native")] static extern void* Acquire();
                void M(void* a, nint b, Func<nint> f, delegate*<void*> g, void** slots, nint[] array, (nint, int) pair)
                {
                    {|#1:NativeMemory.Free(a)|};
                    {|#2:NativeMemory.Free((void*)b)|};
                    {|#3:NativeMemory.Free((void*)f())|};
                    {|#4:NativeMemory.Free(g())|};
                    {|#5:NativeMemory.Free(Acquire())|};
                    {|#6:NativeMemory.Free(null)|};
                    {|#7:NativeMemory.Free(*slots)|};
                    {|#8:NativeMemory.Free((void*)array[0])|};
                    {|#9:NativeMemory.Free((void*)pair.Item1)|};
                }
                public static void Release(void* p) => {|#10:NativeMemory.Free(p)|};
                public static void AlignedRelease(void* p) => {|#11:NativeMemory.AlignedFree(p)|};
            }
            """,
            MigrationTest.Fio003(12, "Alloc", "Alloc", "SafeHandle.handle", [12, 0]),
            MigrationTest.Fio003(0, "Free", "Free", "SafeHandle.handle", [12, 0]),
            MigrationTest.Fio003(1, "Free", "Free", "C.M(a)", [1]),
            MigrationTest.Fio003(2, "Free", "Free", "C.M(b)", [2]),
            MigrationTest.Fio003(3, "Free", "Free", "C.M", [3]),
            MigrationTest.Fio003(4, "Free", "Free", "C.M", [4]),
            MigrationTest.Fio003(5, "Free", "Free", "C.M", [5]),
            MigrationTest.Fio003(6, "Free", "Free", "C.M", [6]),
            MigrationTest.Fio003(7, "Free", "Free", "C.M", [7]),
            MigrationTest.Fio003(8, "Free", "Free", "C.M", [8]),
            MigrationTest.Fio003(9, "Free", "Free", "C.M", [9]),
            MigrationTest.Fio003(10, "Free", "Free", "C.Release(p)", [10]),
            MigrationTest.Fio003(11, "AlignedFree", "AlignedFree", "C.AlignedRelease(p)", [11]));

    [Fact]
    public Task Every_release_of_unknown_origin_is_fixed() =>
        VerifyFix.VerifyCodeFixAsync("""
            using System;
            using System.Runtime.InteropServices;
            public unsafe class C
            {
                [DllImport("native")] static extern void* Acquire();
                public void M(void* a, nint b, Func<nint> f)
                {
                    {|FIO003:NativeMemory.Free(a)|};
                    {|FIO003:NativeMemory.Free((void*)b)|};
                    {|FIO003:NativeMemory.Free((void*)f())|};
                    {|FIO003:NativeMemory.Free(Acquire())|};
                    {|FIO003:NativeMemory.Free(null)|};
                    {|FIO003:NativeMemory.AlignedFree(a)|};
                }
            }
            """, """
            using System;
            using System.Runtime.InteropServices;
            using FioMem;
            public unsafe class C
            {
                [DllImport("native")] static extern void* Acquire();
                public void M(void* a, nint b, Func<nint> f)
                {
                    FioMemory.Free(a);
                    FioMemory.Free((void*)b);
                    FioMemory.Free((void*)f());
                    FioMemory.Free(Acquire());
                    FioMemory.Free(null);
                    FioMemory.AlignedFree(a);
                }
            }
            """);

    private const string FreedByLibc = """
        using System.Runtime.InteropServices;
        internal static unsafe class Native
        {
            [DllImport("libc", EntryPoint = "free")] public static extern void CFree(void* p);
        }
        internal static unsafe class Program
        {
            static void Give(bool own)
            {
                byte* given = (byte*)NativeMemory.Alloc(16);
                given[0] = 1;
                if (own)
                    {|#0:NativeMemory.Free(given)|};
                else
                    Native.CFree(given);
            }
            static void Keep()
            {
                byte* kept = (byte*){|#1:NativeMemory.Alloc(16)|};
                kept[0] = 1;
                {|#2:NativeMemory.Free(kept)|};
            }
            static void Main() { Give(true); Keep(); }
        }
        """;

    [Fact]
    // libc's free would get FioMem's memory: that allocation stays on NativeMemory. The program's own releases move,
    // that one's (FioMemory.Free hands it back to NativeMemory) and the one of memory no native code gets, with its
    // allocation.
    public Task Memory_given_to_a_P_Invoke_of_free_keeps_its_allocation_and_the_programs_own_releases_move() =>
        Verify.VerifyAnalyzerAsync(FreedByLibc,
            MigrationTest.Fio003(0, "Free", "Free", "Program.Give: given", [0], MigrationTest.KeptAllocationNote),
            MigrationTest.Fio003(1, "Alloc", "Alloc", "Program.Keep: kept", [1, 2]),
            MigrationTest.Fio003(2, "Free", "Free", "Program.Keep: kept", [1, 2]));

    [Fact]
    // The allocation that stays keeps the NativeMemory import; the fixed code compiles.
    public Task Memory_given_to_a_P_Invoke_of_free_is_fixed_around_its_allocation() =>
        VerifyFix.VerifyCodeFixAsync(FreedByLibc.Replace("{|#0:", "{|FIO003:").Replace("{|#1:", "{|FIO003:").Replace("{|#2:", "{|FIO003:"), """
            using System.Runtime.InteropServices;
            using FioMem;
            internal static unsafe class Native
            {
                [DllImport("libc", EntryPoint = "free")] public static extern void CFree(void* p);
            }
            internal static unsafe class Program
            {
                static void Give(bool own)
                {
                    byte* given = (byte*)NativeMemory.Alloc(16);
                    given[0] = 1;
                    if (own)
                        FioMemory.Free(given);
                    else
                        Native.CFree(given);
                }
                static void Keep()
                {
                    byte* kept = (byte*)FioMemory.Alloc(16);
                    kept[0] = 1;
                    FioMemory.Free(kept);
                }
                static void Main() { Give(true); Keep(); }
            }
            """);

    private const string StaticAbstractAllocator = """
        using System.Runtime.InteropServices;
        unsafe interface IAllocator
        {
            static abstract byte* Alloc(nuint n);
            static abstract void Free(byte* p);
            static abstract byte* Realloc(byte* p, nuint n);
        }
        unsafe struct NativeAllocator : IAllocator
        {
            public static byte* Alloc(nuint n) => (byte*){|#0:NativeMemory.Alloc(n)|};
            public static void Free(byte* p) => {|#1:NativeMemory.Free(p)|};
            public static byte* Realloc(byte* p, nuint n) => (byte*){|#2:NativeMemory.Realloc(p, n)|};
        }
        unsafe struct Str<T> where T : IAllocator
        {
            private byte* _chars;
            private nuint _length;
            public Str(nuint length) { _chars = T.Alloc(length); _length = length; }
            public void Grow() { _length *= 2; _chars = T.Realloc(_chars, _length); }
            public void Dispose() { T.Free(_chars); _chars = null; }
        }
        static class Program
        {
            static void Main()
            {
                var s = new Str<NativeAllocator>(8);
                s.Grow();
                s.Dispose();
            }
        }
        """;

    [Fact]
    // T.Alloc, T.Realloc and T.Free reach NativeAllocator's implementations: one group, freed, so plain twins (not
    // AllocLongLived).
    public Task A_static_abstract_allocator_moves_as_a_whole() =>
        Verify.VerifyAnalyzerAsync(StaticAbstractAllocator,
            MigrationTest.Fio003(0, "Alloc", "Alloc", "Str._chars", [0, 1, 2]),
            MigrationTest.Fio003(1, "Free", "Free", "Str._chars", [0, 1, 2]),
            MigrationTest.Fio003(2, "Realloc", "Realloc", "Str._chars", [0, 1, 2]));

    [Fact]
    public Task A_static_abstract_allocator_is_fixed_as_a_whole() =>
        VerifyFix.VerifyCodeFixAsync(StaticAbstractAllocator.Replace("{|#0:", "{|FIO003:").Replace("{|#1:", "{|FIO003:").Replace("{|#2:", "{|FIO003:"), """
            using FioMem;
            unsafe interface IAllocator
            {
                static abstract byte* Alloc(nuint n);
                static abstract void Free(byte* p);
                static abstract byte* Realloc(byte* p, nuint n);
            }
            unsafe struct NativeAllocator : IAllocator
            {
                public static byte* Alloc(nuint n) => (byte*)FioMemory.Alloc(n);
                public static void Free(byte* p) => FioMemory.Free(p);
                public static byte* Realloc(byte* p, nuint n) => (byte*)FioMemory.Realloc(p, n);
            }
            unsafe struct Str<T> where T : IAllocator
            {
                private byte* _chars;
                private nuint _length;
                public Str(nuint length) { _chars = T.Alloc(length); _length = length; }
                public void Grow() { _length *= 2; _chars = T.Realloc(_chars, _length); }
                public void Dispose() { T.Free(_chars); _chars = null; }
            }
            static class Program
            {
                static void Main()
                {
                    var s = new Str<NativeAllocator>(8);
                    s.Grow();
                    s.Dispose();
                }
            }
            """);
}
