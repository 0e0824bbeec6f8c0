// FIO003 over a whole compilation: wrapper families across files, collections, the public surface of libraries and
// executables, and the shapes real code is made of.
using System.Threading.Tasks;
using Xunit;

namespace FioMem.Analyzers.Tests.Migration;

public class CompilationWideShapesTests
{
    private const string InternalWrapper = """
        using System.Runtime.InteropServices;
        internal static unsafe class Mem
        {
            public static void* Alloc(nuint size) => {|FIO003:NativeMemory.Alloc(size)|};
            public static void* ReAlloc(void* p, nuint size) => {|FIO003:NativeMemory.Realloc(p, size)|};
            public static void Free(void* p) => {|FIO003:NativeMemory.Free(p)|};
        }
        """;

    [Fact]
    public Task An_allocator_wrapper_migrates_with_every_caller_in_other_files() =>
        MigrationTest.LibraryAsync(InternalWrapper, """
            internal unsafe sealed class List
            {
                private int* _items = (int*)Mem.Alloc(16);
                public void Grow() => _items = (int*)Mem.ReAlloc(_items, 64);
                public void Dispose() => Mem.Free(_items);
            }
            """, """
            internal unsafe struct Scratch
            {
                public byte* Data;
                public static Scratch Make() => new Scratch { Data = (byte*)Mem.Alloc(8) };
                public void Release() { Mem.Free(Data); Data = null; }
            }
            """);

    [Fact]
    // The foreign pointer keeps nothing on NativeMemory: FioMemory.Free hands it back there.
    public Task A_wrapper_whose_free_also_gets_a_foreign_pointer_migrates_with_all_its_callers() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.InteropServices;
            internal static unsafe class Mem
            {
                public static void* Alloc(nuint size) => {|FIO003:NativeMemory.Alloc(size)|};
                public static void Free(void* p) => {|FIO003:NativeMemory.Free(p)|};
            }
            internal static unsafe class Native
            {
                [DllImport("native")] public static extern void* Borrow();
            }
            """, """
            internal unsafe sealed class User
            {
                private void* _mine = Mem.Alloc(8);
                public void Close() { Mem.Free(_mine); Mem.Free(Native.Borrow()); }
            }
            """);

    // What Alloc returns stays on NativeMemory; what other assemblies pass to Free goes back to NativeMemory from
    // FioMemory.Free.
    private const string PublicWrapper = """
        using System.Runtime.InteropServices;
        public static unsafe class Mem
        {
            public static void* Alloc(nuint size) => NativeMemory.Alloc(size);
            public static void Free(void* p) => {|FIO003:NativeMemory.Free(p)|};
        }
        """;

    // With no caller in the compilation, Alloc and Free are one group only because their memory crosses the public API.
    private const string PublicWrapperMigrated = """
        using System.Runtime.InteropServices;
        public static unsafe class Mem
        {
            public static void* Alloc(nuint size) => {|FIO003:NativeMemory.Alloc(size)|};
            public static void Free(void* p) => {|FIO003:NativeMemory.Free(p)|};
        }
        """;

    private const string PublicWrapperWithCaller = """
        using System.Runtime.InteropServices;
        public static unsafe class Mem
        {
            public static void* Alloc(nuint size) => {|FIO003:NativeMemory.Alloc(size)|};
            public static void Free(void* p) => {|FIO003:NativeMemory.Free(p)|};
        }
        public static unsafe class Program
        {
            public static void Main() => Mem.Free(Mem.Alloc(8));
        }
        """;

    [Fact]
    // Other assemblies may free what Alloc returns with NativeMemory.Free, so it stays; they may pass their own memory
    // to Free, which FioMemory.Free hands back to NativeMemory.
    public Task A_public_wrapper_of_a_library_keeps_its_allocation_and_moves_its_release_by_default() =>
        MigrationTest.LibraryAsync(PublicWrapper);

    [Fact]
    public Task A_public_wrapper_of_a_library_migrates_with_the_opt_in() =>
        MigrationTest.WithEditorConfigAsync("fiomem_migrate_public_api = true", PublicWrapperMigrated);

    [Fact]
    public Task A_public_wrapper_of_an_executable_migrates() =>
        MigrationTest.WithOutputTypeAsync("Exe", PublicWrapperWithCaller);

    [Fact]
    public Task A_public_wrapper_of_a_WinExe_migrates_and_of_a_Library_keeps_its_allocation() =>
        Task.WhenAll(
            MigrationTest.WithOutputTypeAsync("WinExe", PublicWrapperWithCaller),
            MigrationTest.WithOutputTypeAsync("Library", PublicWrapper));

    [Fact]
    // Internal, public-in-internal and struct fields are all reachable only from the compilation.
    public Task Collections_with_internal_public_and_struct_fields_migrate() =>
        MigrationTest.LibraryAsync("""
            using System;
            using System.Runtime.InteropServices;
            internal unsafe sealed class IntList : IDisposable
            {
                internal int* Items;
                public int Capacity;
                public IntList() { Capacity = 4; Items = (int*){|FIO003:NativeMemory.Alloc((nuint)(Capacity * sizeof(int)))|}; }
                public void Grow()
                {
                    Capacity *= 2;
                    Items = (int*){|FIO003:NativeMemory.Realloc(Items, (nuint)(Capacity * sizeof(int)))|};
                }
                public void Dispose() => Release(Items);
                private static void Release(int* items) => {|FIO003:NativeMemory.Free(items)|};
            }

            internal unsafe struct Buffer
            {
                public byte* Data;
                public nuint Length;
                public static Buffer Create(nuint length) => new Buffer { Data = (byte*){|FIO003:NativeMemory.AllocZeroed(length)|}, Length = length };
            }

            internal unsafe sealed class Owner
            {
                private Buffer _buffer = Buffer.Create(32);
                public void Dispose() { {|FIO003:NativeMemory.Free(_buffer.Data)|}; _buffer = default; }
            }
            """);

    [Fact]
    // Other assemblies may free or replace the field's memory: its allocation stays unless opted in; the release moves.
    public Task A_public_field_of_a_public_type_in_a_library_keeps_its_allocation_unless_opted_in() =>
        Task.WhenAll(
            MigrationTest.ExpectAsync(null, """
                using System.Runtime.InteropServices;
                public unsafe sealed class Arena
                {
                    public byte* Memory = (byte*)NativeMemory.Alloc(64);
                    public void Dispose() => {|#0:NativeMemory.Free(Memory)|};
                }
                """,
                MigrationTest.Fio003(0, "Free", "Free", "Arena.Memory", [0], MigrationTest.KeptAllocationNote)),
            MigrationTest.WithEditorConfigAsync("fiomem_migrate_public_api = true", """
                using System.Runtime.InteropServices;
                public unsafe sealed class Arena
                {
                    public byte* Memory = (byte*){|FIO003:NativeMemory.Alloc(64)|};
                    public void Dispose() => {|FIO003:NativeMemory.Free(Memory)|};
                }
                """));

    [Fact]
    // A private array of pointers, filled and freed only inside the type.
    public Task A_private_array_of_pointers_is_one_group_with_its_allocations_and_frees() =>
        MigrationTest.LibraryAsync("""
            using System;
            using System.Runtime.InteropServices;
            public unsafe sealed class Voice
            {
                private IntPtr[] AudioBuffers = new IntPtr[3];
                private IntPtr BufferDataPtr;
                public void Fill()
                {
                    for (int i = 0; i < AudioBuffers.Length; i++)
                        AudioBuffers[i] = (IntPtr){|FIO003:NativeMemory.Alloc(256)|};
                    BufferDataPtr = (IntPtr){|FIO003:NativeMemory.Alloc(16)|};
                }
                public void Dispose()
                {
                    for (int i = 0; i < AudioBuffers.Length; i++)
                        {|FIO003:NativeMemory.Free((void*)AudioBuffers[i])|};
                    {|FIO003:NativeMemory.Free((void*)BufferDataPtr)|};
                    BufferDataPtr = IntPtr.Zero;
                }
            }
            """);

    [Fact]
    // A helper that returns NativeMemory memory, freed by its callers; a local descriptor struct holding a buffer is
    // only passed to a call (lending); a free of a foreign pointer in the same type (a P/Invoke's result, a public
    // member's parameter) moves in a group of its own.
    public Task Helper_results_and_descriptor_structs_migrate_beside_a_foreign_free() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.InteropServices;
            using System.Text;
            internal unsafe struct UploadInfo
            {
                public byte* Data;
                public int Size;
            }

            public unsafe sealed class Device
            {
                [DllImport("native")] private static extern void Upload(UploadInfo* info);
                [DllImport("native")] private static extern void Title(byte* text);
                [DllImport("native")] private static extern void* Handle();

                private static byte* EncodeToUTF8Buffer(string s)
                {
                    int length = Encoding.UTF8.GetByteCount(s) + 1;
                    byte* buffer = (byte*){|FIO003:NativeMemory.AllocZeroed((nuint)length)|};
                    fixed (char* chars = s)
                        Encoding.UTF8.GetBytes(chars, s.Length, buffer, length);
                    return buffer;
                }

                public int Measure(string s)
                {
                    byte* text = EncodeToUTF8Buffer(s);
                    int n = 0;
                    while (text[n] != 0) n++;
                    {|FIO003:NativeMemory.Free(text)|};
                    return n;
                }

                public void Send(int size)
                {
                    byte* data = (byte*){|FIO003:NativeMemory.Alloc((nuint)size)|};
                    var info = new UploadInfo { Data = data, Size = size };
                    Upload(&info);
                    {|FIO003:NativeMemory.Free(data)|};
                }

                public void ReleaseHandle() => {|FIO003:NativeMemory.Free(Handle())|};

                public void SetTitle(byte* title)
                {
                    Title(title);
                    {|FIO003:NativeMemory.Free(title)|};
                }
            }
            """);

    [Fact]
    // Calls through an interface or a base reach the implementations in the compilation.
    public Task A_wrapper_behind_an_internal_interface_migrates_with_its_callers() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.InteropServices;
            internal unsafe interface IAllocator
            {
                void* Allocate(nuint size);
                void Release(void* p);
            }
            internal sealed unsafe class NativeAllocator : IAllocator
            {
                public void* Allocate(nuint size) => {|FIO003:NativeMemory.Alloc(size)|};
                public void Release(void* p) => {|FIO003:NativeMemory.Free(p)|};
            }
            internal unsafe abstract class Pool
            {
                public abstract void Return(void* p);
            }
            internal unsafe sealed class NativePool : Pool
            {
                public override void Return(void* p) => {|FIO003:NativeMemory.Free(p)|};
            }
            internal static unsafe class Use
            {
                public static void Run(IAllocator allocator, Pool pool)
                {
                    void* a = allocator.Allocate(8);
                    allocator.Release(a);
                    void* b = allocator.Allocate(8);
                    pool.Return(b);
                }
            }
            """);

    [Fact]
    // out and ref arguments join the caller's variable to the callee's parameter.
    public Task Memory_handed_back_through_out_and_ref_parameters_stays_one_group() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.InteropServices;
            internal static unsafe class Pool
            {
                public static bool TryRent(nuint size, out void* p)
                {
                    p = {|FIO003:NativeMemory.Alloc(size)|};
                    return true;
                }

                public static void Return(ref void* p)
                {
                    {|FIO003:NativeMemory.Free(p)|};
                    p = null;
                }

                public static void Use()
                {
                    if (TryRent(8, out var buffer))
                        Return(ref buffer);
                    void* other;
                    TryRent(16, out other);
                    Return(ref other);
                }
            }
            """);
}
