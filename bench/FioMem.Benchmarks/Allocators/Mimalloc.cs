// mimalloc loaded at run time from libmimalloc.so.2 (Debian: libmimalloc2.0); its cases are skipped when it does not load.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FioMem.Benchmarks.Allocators;

/// <summary>
/// The mimalloc entry points, resolved with <see cref="NativeLibrary"/> rather than <c>DllImport</c> so that a machine
/// without the library still runs every other benchmark. The calls are ordinary unmanaged calls with the usual GC
/// transition, as <see cref="NativeMemory"/>'s calls into libc are, so the comparison is like with like.
/// </summary>
public static unsafe class Mimalloc
{
    /// <summary>The shared object loaded.</summary>
    public const string LibraryName = "libmimalloc.so.2";

    private static readonly delegate* unmanaged<nuint, void*> s_malloc;
    private static readonly delegate* unmanaged<nuint, void*> s_zalloc;
    private static readonly delegate* unmanaged<nuint, nuint, void*> s_calloc;
    private static readonly delegate* unmanaged<void*, nuint, void*> s_realloc;
    private static readonly delegate* unmanaged<void*, nuint, void*> s_rezalloc;
    private static readonly delegate* unmanaged<void*, void> s_free;
    private static readonly delegate* unmanaged<void*> s_heapNew;
    private static readonly delegate* unmanaged<void*, nuint, void*> s_heapMalloc;
    private static readonly delegate* unmanaged<void*, nuint, void*> s_heapZalloc;
    private static readonly delegate* unmanaged<void*, void> s_heapDestroy;

    static Mimalloc()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out nint handle))
        {
            UnavailableReason = $"{LibraryName} did not load";
            return;
        }

        if (!NativeLibrary.TryGetExport(handle, "mi_malloc", out nint malloc)
            || !NativeLibrary.TryGetExport(handle, "mi_zalloc", out nint zalloc)
            || !NativeLibrary.TryGetExport(handle, "mi_calloc", out nint calloc)
            || !NativeLibrary.TryGetExport(handle, "mi_realloc", out nint realloc)
            || !NativeLibrary.TryGetExport(handle, "mi_rezalloc", out nint rezalloc)
            || !NativeLibrary.TryGetExport(handle, "mi_free", out nint free)
            || !NativeLibrary.TryGetExport(handle, "mi_heap_new", out nint heapNew)
            || !NativeLibrary.TryGetExport(handle, "mi_heap_malloc", out nint heapMalloc)
            || !NativeLibrary.TryGetExport(handle, "mi_heap_zalloc", out nint heapZalloc)
            || !NativeLibrary.TryGetExport(handle, "mi_heap_destroy", out nint heapDestroy))
        {
            UnavailableReason = $"{LibraryName} loaded but lacks mi_malloc/mi_zalloc/mi_calloc/mi_realloc/mi_rezalloc/mi_free or the mi_heap_new/malloc/zalloc/destroy family";
            return;
        }

        s_malloc = (delegate* unmanaged<nuint, void*>)malloc;
        s_zalloc = (delegate* unmanaged<nuint, void*>)zalloc;
        s_calloc = (delegate* unmanaged<nuint, nuint, void*>)calloc;
        s_realloc = (delegate* unmanaged<void*, nuint, void*>)realloc;
        s_rezalloc = (delegate* unmanaged<void*, nuint, void*>)rezalloc;
        s_free = (delegate* unmanaged<void*, void>)free;
        s_heapNew = (delegate* unmanaged<void*>)heapNew;
        s_heapMalloc = (delegate* unmanaged<void*, nuint, void*>)heapMalloc;
        s_heapZalloc = (delegate* unmanaged<void*, nuint, void*>)heapZalloc;
        s_heapDestroy = (delegate* unmanaged<void*, void>)heapDestroy;
        IsAvailable = true;
    }

    /// <summary>Whether the library loaded and exports every function used.</summary>
    public static bool IsAvailable { get; }

    /// <summary>Why the library is unavailable, or <see langword="null"/>.</summary>
    public static string? UnavailableReason { get; }

    /// <summary><c>mi_malloc</c> (not zeroed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Malloc(nuint byteCount) => NotNull(s_malloc(byteCount));

    /// <summary><c>mi_zalloc</c> (zeroed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Zalloc(nuint byteCount) => NotNull(s_zalloc(byteCount));

    /// <summary><c>mi_calloc</c> (zeroed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Calloc(nuint elementCount, nuint elementSize) => NotNull(s_calloc(elementCount, elementSize));

    /// <summary><c>mi_realloc</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* ptr, nuint byteCount) => NotNull(s_realloc(ptr, byteCount));

    /// <summary>
    /// <c>mi_rezalloc</c>: a realloc that zeroes the bytes a growth adds (valid for memory from <c>mi_zalloc</c>/<c>mi_calloc</c>),
    /// the zeroing counterpart of <see cref="Realloc"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Rezalloc(void* ptr, nuint byteCount) => NotNull(s_rezalloc(ptr, byteCount));

    /// <summary><c>mi_free</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr) => s_free(ptr);

    /// <summary><c>mi_heap_new</c>: a heap of the calling thread (an opaque <c>mi_heap_t*</c>).</summary>
    public static void* HeapNew() => NotNull(s_heapNew());

    /// <summary><c>mi_heap_malloc</c> (not zeroed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* HeapMalloc(void* heap, nuint byteCount) => NotNull(s_heapMalloc(heap, byteCount));

    /// <summary><c>mi_heap_zalloc</c> (zeroed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* HeapZalloc(void* heap, nuint byteCount) => NotNull(s_heapZalloc(heap, byteCount));

    /// <summary><c>mi_heap_destroy</c>: frees every allocation of the heap at once, and the heap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HeapDestroy(void* heap) => s_heapDestroy(heap);

    // mimalloc reports failure with null, as malloc does; NativeMemory throws, so the peers fail alike.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* NotNull(void* ptr)
    {
        if (ptr == null) ThrowOutOfMemory();
        return ptr;
    }

    private static void ThrowOutOfMemory() => throw new OutOfMemoryException("mimalloc returned null.");
}
