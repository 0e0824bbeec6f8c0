// FIO003 on the shapes real code is made of: memory lent to native code, atomic take-and-clear of a pointer field,
// offsets kept with their own memory, an opted-in public API whose unrelated groups stay apart, and places that can
// never hold a pointer (ints, structs, class references).
using System.Threading.Tasks;
using Xunit;

namespace FioMem.Analyzers.Tests.Migration;

public class ReachShapesTests
{
    private const string OptIn = "fiomem_migrate_public_api = true";

    [Fact]
    // The native functions read the buffers during the call; the program frees them itself (after the call, or in
    // Dispose), and nothing in their names says they release or take over memory.
    public Task Buffers_lent_to_a_P_Invoke_and_freed_by_their_own_group_migrate() =>
        MigrationTest.LibraryAsync("""
            using System;
            using System.Runtime.InteropServices;
            internal static unsafe class Native
            {
                [DllImport("native")] public static extern IntPtr CreateThing(IntPtr a, int n1, IntPtr b, int n2);
                [LibraryImport("native")] public static extern IntPtr EncodePng(nint pixels, int w, int h, out int size);
                [DllImport("native")] public static extern void Upload(byte* data, int n);
            }
            internal sealed unsafe class Loader
            {
                private byte* _staging = (byte*){|FIO003:NativeMemory.Alloc(64)|};
                public IntPtr Load(int n1, int n2)
                {
                    var a = {|FIO003:NativeMemory.Alloc((nuint)n1)|};
                    var b = {|FIO003:NativeMemory.Alloc((nuint)n2)|};
                    var handle = Native.CreateThing((IntPtr)a, n1, (IntPtr)b, n2);
                    {|FIO003:NativeMemory.Free(a)|};
                    {|FIO003:NativeMemory.Free(b)|};
                    return handle;
                }
                public IntPtr Png(int w, int h)
                {
                    var tmp = {|FIO003:NativeMemory.Alloc((nuint)(w * h * 4))|};
                    var png = Native.EncodePng((nint)tmp, w, h, out _);
                    {|FIO003:NativeMemory.Free(tmp)|};
                    return png;
                }
                public void Send()
                {
                    for (byte* cursor = _staging; cursor < _staging + 64; cursor += 16)
                        Native.Upload(cursor, 16);
                }
                public void Dispose() => {|FIO003:NativeMemory.Free(_staging)|};
            }
            """);

    [Fact]
    // The program frees the memory on one branch and native code (a binding of free) on the other: a native function
    // whose name says it releases memory gets it for good, whatever else the group releases, so the allocation stays
    // and the program's own release moves (FioMemory.Free hands it back to NativeMemory); one freed after the call in
    // the same block stays a lend.
    public Task Memory_freed_by_native_code_on_one_branch_and_by_NativeMemory_on_the_other_keeps_its_allocation_and_moves_its_release() =>
        MigrationTest.ExpectAsync(null, """
            using System;
            using System.Runtime.InteropServices;
            internal static unsafe class Native
            {
                [DllImport("libc", EntryPoint = "free")] public static extern void CFree(void* p);
                [DllImport("native")] public static extern void ReleaseAfterUse(void* p);
            }
            internal static unsafe class Handover
            {
                public static int Give(bool windows)
                {
                    byte* text = (byte*)NativeMemory.Alloc(16);
                    text[0] = 42;
                    int first = text[0];
                    if (windows)
                        {|#0:NativeMemory.Free(text)|};
                    else
                        Native.CFree(text);
                    return first;
                }
                public static void Flush()
                {
                    byte* scratch = (byte*){|#1:NativeMemory.Alloc(16)|};
                    Native.ReleaseAfterUse(scratch);
                    {|#2:NativeMemory.Free(scratch)|};
                }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "Handover.Give: text", [0], MigrationTest.KeptAllocationNote),
            MigrationTest.Fio003(1, "Alloc", "Alloc", "Handover.Flush: scratch", [1, 2]),
            MigrationTest.Fio003(2, "Free", "Free", "Handover.Flush: scratch", [1, 2]));

    [Fact]
    // Nothing in the program frees it: native code may own it now.
    public Task Memory_given_to_a_P_Invoke_by_a_group_that_never_frees_it_stays() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.InteropServices;
            internal static unsafe class Native
            {
                [DllImport("native")] public static extern void Adopt(void* p);
            }
            internal static unsafe class Handover
            {
                public static void Give() => Native.Adopt(NativeMemory.Alloc(16));
                public static void GiveLocal()
                {
                    byte* p = (byte*)NativeMemory.Alloc(16);
                    p[0] = 1;
                    Native.Adopt(p);
                }
            }
            """);

    [Fact]
    // A function pointer or a ref argument of a P/Invoke is no lend: the allocation stays, and the release that follows
    // moves (FioMemory.Free hands the memory back to NativeMemory).
    public Task Memory_passed_by_ref_to_a_P_Invoke_or_to_a_function_pointer_keeps_its_allocation_and_moves_its_release() =>
        MigrationTest.ExpectAsync(null, """
            using System.Runtime.InteropServices;
            internal static unsafe class Native
            {
                [DllImport("native")] public static extern void Swap(ref void* p);
            }
            internal static unsafe class Handover
            {
                public static void ByRef()
                {
                    void* p = NativeMemory.Alloc(16);
                    Native.Swap(ref p);
                    {|#0:NativeMemory.Free(p)|};
                }
                public static void ThroughPointer(delegate* unmanaged<void*, void> use)
                {
                    void* p = NativeMemory.Alloc(16);
                    use(p);
                    {|#1:NativeMemory.Free(p)|};
                }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "Handover.ByRef: p", [0], MigrationTest.KeptAllocationNote),
            MigrationTest.Fio003(1, "Free", "Free", "Handover.ThroughPointer: p", [1], MigrationTest.KeptAllocationNote));

    [Fact]
    // Exchange returns what the field held and stores zero; on a readonly field through Unsafe.AsRef as well.
    public Task A_free_of_an_atomic_take_and_clear_of_the_field_migrates() =>
        MigrationTest.LibraryAsync("""
            using System;
            using System.Runtime.CompilerServices;
            using System.Runtime.InteropServices;
            using System.Threading;
            internal sealed unsafe class Manager
            {
                private IntPtr _ptr;
                public Manager(nuint n) { _ptr = (IntPtr){|FIO003:NativeMemory.Alloc(n, 4)|}; }
                public void Dispose()
                {
                    var ptr = Interlocked.Exchange(ref _ptr, IntPtr.Zero);
                    {|FIO003:NativeMemory.Free((void*)ptr)|};
                }
            }
            internal readonly unsafe struct NativeArray
            {
                private readonly IntPtr _ptr;
                public NativeArray(int n) { _ptr = (IntPtr){|FIO003:NativeMemory.AllocZeroed((nuint)n)|}; }
                public void Free()
                {
                    var ptr = Interlocked.Exchange(ref Unsafe.AsRef(in _ptr), IntPtr.Zero);
                    {|FIO003:NativeMemory.Free((void*)ptr)|};
                }
            }
            internal sealed unsafe class Swapper
            {
                private nint _current = (nint){|FIO003:NativeMemory.Alloc(8)|};
                public void Replace()
                {
                    nint fresh = (nint){|FIO003:NativeMemory.Alloc(8)|};
                    nint old = Interlocked.CompareExchange(ref _current, fresh, _current);
                    {|FIO003:NativeMemory.Free((void*)old)|};
                }
            }
            """);

    [Fact]
    // What Exchange stores joins the field's group; a foreign value keeps nothing on NativeMemory, so the group moves
    // as a whole (FioMemory.Free hands the foreign pointer back to NativeMemory).
    public Task An_atomic_exchange_storing_a_foreign_pointer_joins_the_field_group_which_moves() =>
        MigrationTest.ExpectAsync(null, """
            using System;
            using System.Runtime.InteropServices;
            using System.Threading;
            internal static unsafe class Native
            {
                [DllImport("native")] public static extern IntPtr Borrow();
            }
            internal sealed unsafe class Holder
            {
                private IntPtr _ptr = (IntPtr){|#0:NativeMemory.Alloc(8)|};
                public void Swap()
                {
                    var old = Interlocked.Exchange(ref _ptr, Native.Borrow());
                    {|#1:NativeMemory.Free((void*)old)|};
                }
                public void Dispose() => {|#2:NativeMemory.Free((void*)_ptr)|};
            }
            """,
            MigrationTest.Fio003(0, "Alloc", "Alloc", "Holder._ptr", [0, 1, 2]),
            MigrationTest.Fio003(1, "Free", "Free", "Holder._ptr", [0, 1, 2]),
            MigrationTest.Fio003(2, "Free", "Free", "Holder._ptr", [0, 1, 2]));

    [Fact]
    // Slice stores BufferDataPtr + offset back into the same field through a public method: that memory at an offset.
    public Task An_offset_of_a_buffer_stored_back_in_its_own_group_migrates() =>
        MigrationTest.WithOutputTypeAsync("Exe", """
            using System;
            using System.Runtime.InteropServices;
            public unsafe sealed class AudioBuffer : IDisposable
            {
                IntPtr BufferDataPtr;
                bool OwnsBufferData;
                public void SetData(ReadOnlySpan<byte> span)
                {
                    OwnsBufferData = true;
                    BufferDataPtr = (nint){|FIO003:NativeMemory.Realloc((void*)BufferDataPtr, (nuint)span.Length)|};
                    fixed (void* ptr = span)
                        NativeMemory.Copy(ptr, (void*)BufferDataPtr, (nuint)span.Length);
                }
                public void SetDataPointer(IntPtr bufferDataPtr, bool owns)
                {
                    if (OwnsBufferData)
                        {|FIO003:NativeMemory.Free((void*)BufferDataPtr)|};
                    OwnsBufferData = owns;
                    BufferDataPtr = bufferDataPtr;
                }
                public AudioBuffer Slice(int offset)
                {
                    var slice = new AudioBuffer();
                    slice.SetDataPointer(BufferDataPtr + offset, false);
                    return slice;
                }
                public void Dispose()
                {
                    if (OwnsBufferData)
                        SetDataPointer(IntPtr.Zero, false);
                }
                public static void Main()
                {
                    using var buffer = new AudioBuffer();
                    buffer.SetData(new byte[] { 1, 2, 3, 4 });
                    using var tail = buffer.Slice(2);
                }
            }
            """);

    [Fact]
    // An offset of another group's memory stored and freed is still an interior pointer: that allocation stays, and
    // the release moves on its own.
    public Task An_offset_of_another_groups_memory_stored_and_freed_keeps_that_allocation_and_moves_the_release() =>
        MigrationTest.ExpectAsync(null, """
            using System.Runtime.InteropServices;
            internal sealed unsafe class Header
            {
                private byte* _raw = (byte*)NativeMemory.Alloc(64);
                private byte* _body;
                public void Split() => _body = _raw + 16;
                public void Dispose() { {|#0:NativeMemory.Free(_body)|}; }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "Header._body", [0]));

    [Fact]
    // The string helper, the voice matrix and the vertex tables share nothing; the native binding that takes an IntPtr
    // from any caller, and the public input that only reads, must not join them into one group.
    public Task Unrelated_groups_of_an_opted_in_library_are_not_kept_by_a_native_binding_or_a_reading_input() =>
        MigrationTest.WithEditorConfigAsync(OptIn, """
            using System;
            using System.Runtime.InteropServices;
            using System.Text;
            public static unsafe class Interop
            {
                public static byte* EncodeToUTF8Buffer(string s)
                {
                    int length = Encoding.UTF8.GetByteCount(s) + 1;
                    var buffer = (byte*){|FIO003:NativeMemory.AllocZeroed((nuint)length)|};
                    Encoding.UTF8.GetBytes(s, new Span<byte>(buffer, length - 1));
                    return buffer;
                }
                public static string DecodeFromUTF8Buffer(byte* buffer, int length) => Encoding.UTF8.GetString(buffer, length - 1);
            }
            public static unsafe class SDL
            {
                [DllImport("sdl")] public static extern IntPtr SDL_SetPointerProperty(IntPtr value);
                [DllImport("sdl")] public static extern void SDL_free(IntPtr mem);
                public static void Keep(IntPtr value) => SDL_SetPointerProperty(value);
            }
            public unsafe class Shader
            {
                [DllImport("native")] private static extern IntPtr Compile(byte* entryPoint);
                public IntPtr Create(string entryPoint)
                {
                    byte* name = Interop.EncodeToUTF8Buffer(entryPoint);
                    var handle = Compile(name);
                    {|FIO003:NativeMemory.Free(name)|};
                    return handle;
                }
            }
            public unsafe class Voice : IDisposable
            {
                [DllImport("native")] private static extern void SetMatrix(float* matrix);
                protected float* pMatrixCoefficients = (float*){|FIO003:NativeMemory.AllocZeroed(64)|};
                public void Apply() => SetMatrix(pMatrixCoefficients);
                public void Dispose() => {|FIO003:NativeMemory.Free(pMatrixCoefficients)|};
            }
            """);

    [Fact]
    // With the opt-in, a public method that frees what it is given can receive what any public method returns; the
    // borrowed pointer it also frees keeps nothing on NativeMemory.
    public Task A_public_release_of_an_opted_in_library_joins_the_public_allocations() =>
        MigrationTest.ExpectAsync(OptIn, """
            using System.Runtime.InteropServices;
            public static unsafe class Strings
            {
                [DllImport("native")] private static extern void* Borrow();
                public static byte* Make() => (byte*){|#0:NativeMemory.Alloc(8)|};
                public static void Release(byte* p) => {|#1:NativeMemory.Free(p)|};
                public static void ReleaseBorrowed() => Release((byte*)Borrow());
            }
            public static unsafe class Other
            {
                public static void* Scratch() => {|#2:NativeMemory.Alloc(16)|};
            }
            """,
            MigrationTest.Fio003(0, "Alloc", "Alloc", "Other.Scratch()", [0, 1, 2]),
            MigrationTest.Fio003(1, "Free", "Free", "Other.Scratch()", [0, 1, 2]),
            MigrationTest.Fio003(2, "Alloc", "Alloc", "Other.Scratch()", [0, 1, 2]));

    [Fact]
    // A generic check shared by every caller compares and formats its value; ints and class references never hold
    // a pointer, so an object pool's slots do not join the buffers.
    public Task Generic_checks_int_places_and_class_references_do_not_merge_or_taint_buffers() =>
        MigrationTest.LibraryAsync("""
            using System;
            using System.Runtime.InteropServices;
            using System.Threading;
            internal static class Guard
            {
                public static void IsNotEqualTo<T>(T value, T target, string name) where T : IEquatable<T>
                {
                    if (value.Equals(target))
                        throw new ArgumentOutOfRangeException(name, value, $"must not be {target}, was {value}");
                }
            }
            internal sealed class Pool<T> where T : class
            {
                private struct Slot { public T? Value; }
                private readonly Slot[] _slots = new Slot[4];
                private T? _fast;
                public void Return(T item)
                {
                    if (Interlocked.CompareExchange(ref _fast, item, null) is null)
                        return;
                    Interlocked.Exchange(ref _slots[0].Value, item);
                }
            }
            internal sealed unsafe class List
            {
                private IntPtr _ptr;
                private int _size;
                public List(int capacity)
                {
                    Guard.IsNotEqualTo(capacity, 0, nameof(capacity));
                    _ptr = (IntPtr){|FIO003:NativeMemory.Alloc((nuint)capacity)|};
                    Guard.IsNotEqualTo(_ptr, IntPtr.Zero, nameof(_ptr));
                }
                public void Add(byte item)
                {
                    var size = _size;
                    new Span<byte>((void*)_ptr, 16)[size] = item;
                    _size = size + 1;
                }
                public void Dispose() => {|FIO003:NativeMemory.Free((void*)Interlocked.Exchange(ref _ptr, IntPtr.Zero))|};
            }
            internal sealed unsafe class Other
            {
                private int _count;
                public void Check() => Guard.IsNotEqualTo(_count, 1, nameof(_count));
                public void Escape(System.Collections.Generic.List<int> sink) => sink.Add(_count);
            }
            """);

    [Fact]
    // A helper that only reads its parameter does not tie its callers' memory together; one that frees it does (and
    // the borrowed pointer it also frees keeps nothing on NativeMemory).
    public Task A_helper_that_only_reads_its_parameter_does_not_join_its_callers() =>
        MigrationTest.ExpectAsync(null, """
            using System.Runtime.InteropServices;
            internal static unsafe class Native
            {
                [DllImport("native")] public static extern byte* Borrow();
            }
            internal static unsafe class Text
            {
                public static int Length(byte* s) { int n = 0; while (s[n] != 0) n++; return n; }
                public static void Release(byte* s) => {|#0:NativeMemory.Free(s)|};
            }
            internal sealed unsafe class Name
            {
                private byte* _text = (byte*){|#1:NativeMemory.AllocZeroed(16)|};
                public int Size => Text.Length(_text);
                public void Dispose() => {|#2:NativeMemory.Free(_text)|};
            }
            internal static unsafe class Foreign
            {
                public static int Measure() => Text.Length(Native.Borrow());
                public static void Drop()
                {
                    byte* p = (byte*){|#3:NativeMemory.Alloc(8)|};
                    Text.Release(p);
                    Text.Release(Native.Borrow());
                }
            }
            """,
            MigrationTest.Fio003(0, "Free", "Free", "Text.Release(s)", [0, 3]),
            MigrationTest.Fio003(1, "AllocZeroed", "AllocZeroed", "Name._text", [1, 2]),
            MigrationTest.Fio003(2, "Free", "Free", "Name._text", [1, 2]),
            MigrationTest.Fio003(3, "Alloc", "Alloc", "Text.Release(s)", [0, 3]));

    [Fact]
    // An empty array points at Unsafe.NullRef: a null pointer, not a value from elsewhere.
    public Task A_null_reference_turned_into_a_pointer_keeps_nothing_on_NativeMemory() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.CompilerServices;
            using System.Runtime.InteropServices;
            internal sealed unsafe class Array
            {
                internal readonly byte* buffer;
                public Array(long length)
                {
                    if (length == 0)
                        buffer = (byte*)Unsafe.AsPointer(ref Unsafe.NullRef<byte>());
                    else if (length == 1)
                        buffer = (byte*)Unsafe.AsPointer(ref Unsafe.AsRef<byte>(null));
                    else
                        buffer = (byte*){|FIO003:NativeMemory.Alloc((nuint)length, 4)|};
                }
                public void Dispose() => {|FIO003:NativeMemory.Free(buffer)|};
            }
            """);
}
