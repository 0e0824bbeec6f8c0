// The public face of the allocator: NativeMemory's API, served by FioMem's blocks.
using System;
using System.Runtime.CompilerServices;

namespace FioMem;

/// <summary>
/// Native memory for many small, short-lived allocations made and freed by many threads: a .NET port of
/// facil.io's <c>fio_mem</c> allocator. The members mirror <see cref="System.Runtime.InteropServices.NativeMemory"/>,
/// so a call site moves over by changing the type name.
/// </summary>
/// <remarks>
/// <para>
/// Every allocation is zeroed and aligned on <see cref="Alignment"/> bytes. Small allocations (below
/// <see cref="LargeAllocationThreshold"/>) are sliced from blocks of <see cref="BlockSize"/> bytes that are aligned on
/// their own size; a block counts its live allocations and is recycled whole when the count drops to zero. Larger
/// allocations go straight to the operating system.
/// </para>
/// <para>
/// Fragmentation inside a block is ignored: a single allocation that lives long keeps its whole block reserved.
/// Use <see cref="AllocLongLived(nuint)"/> (or <c>NativeMemory</c>, or the GC) for data that lives long.
/// </para>
/// <para>
/// Any thread may free memory that any other thread allocated. A pointer into FioMem's memory that is not a live
/// allocation's start (an interior pointer, one past the latest allocation, an allocation already freed) is
/// rejected with an <see cref="ArgumentException"/> that names it, before anything changes.
/// </para>
/// <para>
/// A double free of a small allocation is rejected that way on any thread, including a free of the old pointer after
/// a <see cref="Realloc(void*, nuint)"/> moved it. Two cases are not caught: a second free after FioMem handed the same
/// address out again releases that new allocation (a thread's latest allocation freed on that thread is handed out
/// again by its next allocation; an emptied block is sliced anew), as with any allocator; and two frees of the same
/// allocation at the same moment, one on the thread that sliced its block and one on another thread, with nothing
/// ordering them, can both pass. Checked mode (<c>FioMem.Checked</c> / <c>FIOMEM_CHECKED=1</c>) catches the latter,
/// and writes after free.
/// </para>
/// <para>
/// Memory FioMem did not allocate — outside its blocks and not one of its live large or long-lived allocations — is
/// handed to the matching <see cref="System.Runtime.InteropServices.NativeMemory"/> call: <see cref="Free(void*)"/>
/// to <c>NativeMemory.Free</c>, <see cref="AlignedFree(void*)"/> to <c>NativeMemory.AlignedFree</c>,
/// <see cref="Realloc(void*, nuint)"/> to <c>NativeMemory.Realloc</c>, <see cref="AlignedRealloc(void*, nuint, nuint)"/>
/// to <c>NativeMemory.AlignedRealloc</c>. So code moved from <c>NativeMemory</c> does not break where an allocation
/// and its release ended up on different allocators; memory resized that way stays <c>NativeMemory</c>'s. It must
/// still be what that <c>NativeMemory</c> call accepts (<c>AlignedAlloc</c> memory to the aligned pair;
/// <c>Marshal.AllocHGlobal</c> memory is not <c>NativeMemory</c>'s on Windows). What FioMem can tell no allocator
/// handed out is rejected with an <see cref="ArgumentException"/> naming it instead: a pointer into the calling
/// thread's stack, one not aligned as every <c>NativeMemory</c> allocation is (twice a pointer's size; a pointer's
/// size for the aligned pair), one inside a live large allocation, and a page-aligned one where no memory is mapped.
/// </para>
/// <para>
/// A second free of a large or long-lived allocation: its address is no longer FioMem's, so it counts as memory FioMem
/// did not allocate. Where the allocation was mapped page by page (at least a page in size and aligned on at most a
/// page, where the system can map memory: every large allocation on 4 KiB and 16 KiB pages) and nothing was mapped at that address since, no memory is mapped there and an
/// <see cref="ArgumentException"/> says so; otherwise the pointer goes to <c>NativeMemory</c>, and what happens is the
/// C runtime's (glibc aborts the process on a double free it detects). If FioMem handed the address out again in
/// between, the second free releases that allocation, as with any allocator.
/// </para>
/// </remarks>
public static unsafe class FioMemory
{
    /// <summary>The alignment of every pointer FioMem returns, in bytes.</summary>
    public const int Alignment = 16;

    /// <summary>The size of a block, in bytes; blocks are aligned on this size.</summary>
    public const int BlockSize = Layout.BlockSize;

    /// <summary>Allocations of this many bytes or more bypass the blocks and go to the operating system.</summary>
    public const int LargeAllocationThreshold = Layout.LargeThreshold;

    /// <summary>Allocates <paramref name="byteCount"/> zeroed bytes aligned on <see cref="Alignment"/>.</summary>
    /// <param name="byteCount">The size in bytes. Zero gives a unique, non-null pointer.</param>
    /// <returns>A pointer to the allocation; release it with <see cref="Free(void*)"/>.</returns>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint byteCount) => Allocator.Alloc(byteCount);

    /// <summary>Allocates <paramref name="elementCount"/> × <paramref name="elementSize"/> zeroed bytes.</summary>
    /// <param name="elementCount">The number of elements.</param>
    /// <param name="elementSize">The size of one element, in bytes.</param>
    /// <returns>A pointer to the allocation; release it with <see cref="Free(void*)"/>.</returns>
    /// <exception cref="OutOfMemoryException">The product overflows, or the memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint elementCount, nuint elementSize) => Allocator.Alloc(CheckedProduct(elementCount, elementSize));

    /// <summary>Same as <see cref="Alloc(nuint)"/>: FioMem memory is always zeroed. Kept so migrating from
    /// <c>NativeMemory.AllocZeroed</c> is a rename.</summary>
    /// <param name="byteCount">The size in bytes.</param>
    /// <returns>A pointer to the zeroed allocation.</returns>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* AllocZeroed(nuint byteCount) => Allocator.Alloc(byteCount);

    /// <summary>Same as <see cref="Alloc(nuint, nuint)"/>: FioMem memory is always zeroed.</summary>
    /// <param name="elementCount">The number of elements.</param>
    /// <param name="elementSize">The size of one element, in bytes.</param>
    /// <returns>A pointer to the zeroed allocation.</returns>
    /// <exception cref="OutOfMemoryException">The product overflows, or the memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* AllocZeroed(nuint elementCount, nuint elementSize) => Allocator.Alloc(CheckedProduct(elementCount, elementSize));

    /// <summary>
    /// Resizes an allocation, keeping its first min(old, new) bytes; bytes past the old size read as zero.
    /// A <see langword="null"/> <paramref name="ptr"/> allocates.
    /// </summary>
    /// <remarks>
    /// A small allocation stays in place when it shrinks, and when it is the calling thread's latest allocation in the
    /// block that thread is slicing and the free slices after it hold the new size (so a buffer grown step by step by
    /// its own thread does not copy); otherwise it moves (a copy). A large allocation may grow or shrink in place where
    /// the system can remap it (Linux). Memory FioMem did not allocate goes to <c>NativeMemory.Realloc</c> and the
    /// result stays <c>NativeMemory</c>'s: what is past the old size is then <c>NativeMemory</c>'s business (not zeroed).
    /// </remarks>
    /// <param name="ptr">A pointer FioMem returned, memory from <c>NativeMemory.Alloc</c>/<c>AllocZeroed</c>/<c>Realloc</c>,
    /// or <see langword="null"/>.</param>
    /// <param name="byteCount">The new size in bytes.</param>
    /// <returns>The resized allocation; <paramref name="ptr"/> is no longer valid unless it is returned.</returns>
    /// <exception cref="ArgumentException"><paramref name="ptr"/> lies in FioMem's memory but is not a live
    /// allocation's start, or is no allocator's: on the calling thread's stack, not aligned on twice a pointer's size,
    /// or where no memory is mapped (the message names it).</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated; <paramref name="ptr"/> stays valid.</exception>
    public static void* Realloc(void* ptr, nuint byteCount) => Allocator.Realloc(ptr, byteCount, nuint.MaxValue);

    /// <summary>
    /// Resizes an allocation, copying only its first <paramref name="copyLength"/> bytes (facil.io's <c>fio_realloc2</c>);
    /// everything else in the result reads as zero.
    /// </summary>
    /// <remarks>Memory FioMem did not allocate goes to <c>NativeMemory.Realloc</c>, which keeps min(old, new) bytes;
    /// the bytes from min(<paramref name="copyLength"/>, <paramref name="byteCount"/>) to the end are then zeroed, so
    /// everything past <paramref name="copyLength"/> still reads as zero (bytes past the old size but before
    /// <paramref name="copyLength"/> are whatever <c>NativeMemory.Realloc</c> left there). The result stays
    /// <c>NativeMemory</c>'s.</remarks>
    /// <param name="ptr">A pointer FioMem returned, memory from <c>NativeMemory.Alloc</c>/<c>AllocZeroed</c>/<c>Realloc</c>,
    /// or <see langword="null"/>.</param>
    /// <param name="byteCount">The new size in bytes.</param>
    /// <param name="copyLength">How many leading bytes to keep; capped at the old and the new size.</param>
    /// <returns>The resized allocation.</returns>
    /// <exception cref="ArgumentException"><paramref name="ptr"/> lies in FioMem's memory but is not a live
    /// allocation's start, or is no allocator's: on the calling thread's stack, not aligned on twice a pointer's size,
    /// or where no memory is mapped (the message names it).</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated; <paramref name="ptr"/> stays valid.</exception>
    public static void* Realloc(void* ptr, nuint byteCount, nuint copyLength) => Allocator.Realloc(ptr, byteCount, copyLength);

    /// <summary>
    /// Allocates <paramref name="byteCount"/> zeroed bytes at an address that is a multiple of
    /// <paramref name="alignment"/>, as <c>NativeMemory.AlignedAlloc</c> does.
    /// </summary>
    /// <remarks>
    /// Alignments up to 4 KiB are sliced from blocks like every small allocation (the slices skipped to reach the
    /// aligned start are not lost for long: they are recycled with the block); larger sizes and alignments go to the
    /// operating system. The memory is released with <see cref="AlignedFree(void*)"/> or <see cref="Free(void*)"/>.
    /// </remarks>
    /// <param name="byteCount">The size in bytes. Zero gives a unique, non-null pointer.</param>
    /// <param name="alignment">The alignment in bytes: a power of two.</param>
    /// <returns>A pointer to the allocation.</returns>
    /// <exception cref="ArgumentException"><paramref name="alignment"/> is not a power of two.</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* AlignedAlloc(nuint byteCount, nuint alignment) => Allocator.AlignedAlloc(byteCount, alignment);

    /// <summary>
    /// Resizes an allocation to <paramref name="byteCount"/> bytes at a multiple of <paramref name="alignment"/>,
    /// keeping its first min(old, new) bytes; bytes past the old size read as zero. A <see langword="null"/>
    /// <paramref name="ptr"/> allocates, as <see cref="AlignedAlloc(nuint, nuint)"/>.
    /// </summary>
    /// <remarks>It stays in place under the same conditions as <see cref="Realloc(void*, nuint)"/>, when the
    /// allocation is already aligned; otherwise it moves. Memory FioMem did not allocate goes to
    /// <c>NativeMemory.AlignedRealloc</c> (after the alignment is checked) and the result stays <c>NativeMemory</c>'s:
    /// what is past the old size is then <c>NativeMemory</c>'s business (not zeroed).</remarks>
    /// <param name="ptr">A pointer FioMem returned (from any of its allocation methods), memory from
    /// <c>NativeMemory.AlignedAlloc</c>/<c>AlignedRealloc</c>, or <see langword="null"/>.</param>
    /// <param name="byteCount">The new size in bytes.</param>
    /// <param name="alignment">The alignment in bytes: a power of two.</param>
    /// <returns>The resized allocation; <paramref name="ptr"/> is no longer valid unless it is returned.</returns>
    /// <exception cref="ArgumentException"><paramref name="alignment"/> is not a power of two, or
    /// <paramref name="ptr"/> lies in FioMem's memory but is not a live allocation's start, or is no allocator's: on
    /// the calling thread's stack, not aligned on a pointer's size, or where no memory is mapped (the message names
    /// it).</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated; <paramref name="ptr"/> stays valid.</exception>
    public static void* AlignedRealloc(void* ptr, nuint byteCount, nuint alignment) => Allocator.AlignedRealloc(ptr, byteCount, alignment);

    /// <summary>Frees memory that FioMem allocated, as <see cref="Free(void*)"/> does: kept so migrating from
    /// <c>NativeMemory.AlignedFree</c> is a rename. Memory FioMem did not allocate goes to
    /// <c>NativeMemory.AlignedFree</c>. <see langword="null"/> does nothing.</summary>
    /// <param name="ptr">A pointer FioMem returned, memory from <c>NativeMemory.AlignedAlloc</c>/<c>AlignedRealloc</c>,
    /// or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="ptr"/> lies in FioMem's memory but is not a live
    /// allocation's start (it was freed already, or is an interior pointer), or is no allocator's: on the calling
    /// thread's stack, not aligned on a pointer's size, or where no memory is mapped (the message names it).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AlignedFree(void* ptr) => Allocator.AlignedFree(ptr);

    /// <summary>Frees memory that FioMem allocated, on any thread; memory FioMem did not allocate goes to
    /// <c>NativeMemory.Free</c>. <see langword="null"/> does nothing.</summary>
    /// <param name="ptr">A pointer FioMem returned, memory from <c>NativeMemory.Alloc</c>/<c>AllocZeroed</c>/<c>Realloc</c>,
    /// or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="ptr"/> lies in FioMem's memory but is not a live
    /// allocation's start (it was freed already, on this thread or another, or is an interior pointer), or is no
    /// allocator's: on the calling thread's stack, not aligned on twice a pointer's size, or where no memory is mapped
    /// (the message names it). Nothing is freed then. The exceptions to double-free detection are in the type's
    /// remarks.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr) => Allocator.Free(ptr);

    /// <summary>
    /// Allocates zeroed, 16-byte-aligned memory for data that lives long (facil.io's <c>fio_mmap</c>): a dedicated
    /// system allocation that never keeps a block reserved. Release it with <see cref="Free(void*)"/>.
    /// </summary>
    /// <remarks>From a page up, the memory is mapped from the operating system: it is zero without being written, and
    /// only the pages that are touched take physical memory.</remarks>
    /// <param name="byteCount">The size in bytes.</param>
    /// <returns>A pointer to the allocation.</returns>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    public static void* AllocLongLived(nuint byteCount) => Allocator.AllocLongLived(byteCount);

    /// <summary>Reads the allocator's figures: reserved bytes, blocks in use and pooled, large allocations.</summary>
    /// <returns>A snapshot; the figures move while other threads allocate.</returns>
    public static FioMemoryStatistics GetStatistics() => Allocator.GetStatistics();

    /// <summary>
    /// Lists the blocks that no thread is slicing but that live allocations keep reserved — what long-lived data
    /// costs. In checked mode each entry also says which <c>[FioAllocated]</c> types the live allocations hold.
    /// </summary>
    /// <returns>A snapshot; it may be stale by the time it is read while other threads allocate and free.</returns>
    public static System.Collections.Generic.IReadOnlyList<FioPinnedBlock> GetPinnedBlocks() => PinnedBlocks.Snapshot();

    /// <summary>Returns every pooled block to the operating system, and reclaims the blocks of threads that exited.</summary>
    /// <remarks>Both also happen without a call, after <c>FioMem.TrimDelay</c> (the idle trim); a thread's exit arms it.
    /// The calling thread's frees into a block it retired, which it counts before taking them off the block's count,
    /// are settled first, and the 4 KiB buffers <see cref="FioMemoryPool"/> keeps for reuse are freed first, so a block
    /// they emptied is pooled (and given back) too.</remarks>
    /// <exception cref="InvalidOperationException">Misuse found while taking frees and blocks back, by this call or by an
    /// idle trim since the last call: a block with more frees than allocations (one allocation freed at the same moment on
    /// two threads), or, in checked mode, memory written after it was freed. Everything is reclaimed and trimmed before
    /// it is thrown; the block with too many frees is kept out of use.</exception>
    public static void Trim()
    {
        SegmentCache.Clear();
        Allocator.Trim();
    }

    /// <summary>elementCount × elementSize, or <see cref="OutOfMemoryException"/> when it overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint CheckedProduct(nuint elementCount, nuint elementSize)
    {
        if (elementSize != 0 && elementCount > nuint.MaxValue / elementSize)
            ThrowHelper.ThrowProductOverflow(elementCount, elementSize);
        return elementCount * elementSize;
    }
}
