// The block header and its invariants; blocks are BlockSize bytes, aligned on BlockSize.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FioMem;

/// <summary>Where a block is in its life.</summary>
internal enum BlockState
{
    /// <summary>Never handed out, or its pages were returned to the operating system (reads as zero).</summary>
    Unused = 0,

    /// <summary>Empty and kept in the <see cref="BlockPool"/> for reuse.</summary>
    Pooled = 1,

    /// <summary>A thread is slicing it; <see cref="BlockHeader.References"/> carries <see cref="Layout.SlicingBias"/>.</summary>
    Active = 2,

    /// <summary>No thread slices it; it lives until its last allocation is freed.</summary>
    Retired = 3,

    /// <summary>
    /// Held by a <see cref="FioHeap"/> (<see cref="BlockHeader.HeapSlot"/> says which) until the heap is reset or
    /// disposed; <see cref="BlockHeader.References"/> stays zero, since the heap releases the block whole.
    /// </summary>
    Heap = 4,

    /// <summary>Checked mode: a disposed heap's block, poisoned, kept out of the pool until its poison is verified.</summary>
    Quarantined = 5,
}

/// <summary>
/// The first cache line of every block. Layout of a block:
/// <c>[header 64 B][boundary bitmap][owner-freed and freed bitmaps, interleaved; or the live bitmap in checked mode][slices …]</c>.
/// </summary>
/// <remarks>
/// <para><see cref="References"/> is the only word other threads write while the block is in use (one atomic
/// decrement per free), which is why the bitmaps, written by the slicing thread, start on the next cache line.</para>
/// <para>The boundary bitmap has one bit per 16-byte slice: a set bit marks where an allocation starts or where one
/// ends. Both are set before the slicing thread hands the pointer out (the start bit already is: it is the bump pointer's,
/// set as the previous allocation's end or when the block became the thread's), so the size of an allocation is the
/// distance to the next set bit, and it never depends on a neighbour being sliced concurrently.</para>
/// <para>The two freed bitmaps mark allocation starts that were freed, so a second free is rejected before it touches
/// a count. The thread that sliced the block writes its own frees into the owner-freed bitmap with plain stores, while
/// it slices the block and after it retired it (no other thread writes that bitmap); every other thread's free sets
/// its bit in the freed bitmap atomically, so of two frees of the same allocation on other threads exactly one wins. Both are cleared when the block is reset. Checked mode
/// keeps a live bitmap instead (set when an allocation is handed out, cleared atomically when it is freed).</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct BlockHeader
{
    /// <summary>
    /// Live allocations, plus <see cref="Layout.SlicingBias"/> minus the slicing thread's private count while the
    /// block is <see cref="BlockState.Active"/>. Written with atomics by every freeing thread; zero means empty.
    /// </summary>
    [FieldOffset(0)] public int References;

    /// <summary>A <see cref="BlockState"/>. Written by the thread that owns the block's transition (slicer, last freer, pool).</summary>
    [FieldOffset(4)] public int State;

    /// <summary>One past the last slice handed out; written by the slicing thread when it retires the block.</summary>
    [FieldOffset(8)] public int UsedEnd;

    /// <summary>Slices below this may hold bytes of an earlier use and are zeroed when handed out again.</summary>
    [FieldOffset(12)] public int DirtyEnd;

    /// <summary>The <see cref="ThreadCache.Id"/> of the thread that sliced the block last; where it is pooled when that thread empties it.</summary>
    [FieldOffset(16)] public int Slicer;

    /// <summary>
    /// When the block entered the <see cref="BlockPool"/> (<see cref="System.Environment.TickCount64"/>); written and
    /// read under the pool's lock while the block is pooled, meaningless otherwise.
    /// </summary>
    [FieldOffset(24)] public long PooledSince;

    /// <summary>
    /// The <see cref="HeapSlot.Id"/> of the heap that holds the block while it is <see cref="BlockState.Heap"/>;
    /// written by the heap's thread before the block's first allocation is handed out.
    /// </summary>
    [FieldOffset(32)] public int HeapSlot;

    /// <summary>The next block of the same heap (a chain the heap walks on reset and dispose); written by the heap only.</summary>
    [FieldOffset(40)] public nuint HeapNext;
}

/// <summary>Arithmetic on block addresses and bitmaps.</summary>
internal static unsafe class Block
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Of(void* ptr) => (byte*)((nuint)ptr & ~Layout.BlockMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BlockHeader* Header(byte* block) => (BlockHeader*)block;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong* Boundaries(byte* block) => (ulong*)(block + Layout.BoundaryBitmapOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong* LiveBits(byte* block) => (ulong*)(block + Layout.LiveBitmapOffset);

    /// <summary>
    /// Normal mode: word <paramref name="word"/> of the owner-freed bitmap, one bit per allocation start freed by the
    /// thread that sliced the block (only it writes them). The freed word for the same slices follows it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong* OwnerFreedWord(byte* block, int word) => (ulong*)(block + Layout.FreedPairsOffset) + 2 * word;

    /// <summary>Normal mode: word <paramref name="word"/> of the freed bitmap, one bit per allocation start freed by another thread (set atomically).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong* FreedWord(byte* block, int word) => (ulong*)(block + Layout.FreedPairsOffset) + 2 * word + 1;

    /// <summary>
    /// Forgets every allocation the block held: clears the boundary bits and the live bits (checked mode) or the freed
    /// pairs (normal mode) of slices [0, UsedEnd], and UsedEnd, so the block can be sliced from the start again.
    /// </summary>
    public static void ResetBitmaps(byte* block)
    {
        BlockHeader* header = Header(block);
        int usedEnd = header->UsedEnd;
        ClearBitmap(Boundaries(block), usedEnd);
        if (FioMemoryOptions.Checked)
            ClearBitmap(LiveBits(block), usedEnd);
        else
            ClearFreedPairs(block, usedEnd);
        header->UsedEnd = 0;
    }

    /// <summary>Clears both freed bitmaps' words that cover slices [0, <paramref name="usedEnd"/>].</summary>
    public static void ClearFreedPairs(byte* block, int usedEnd) =>
        new System.Span<ulong>(block + Layout.FreedPairsOffset, 2 * ((usedEnd >> 6) + 1)).Clear();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSet(ulong* bitmap, int slice) => (bitmap[slice >> 6] & (1UL << slice)) != 0;

    /// <summary>
    /// The first slice after <paramref name="start"/> whose boundary bit is set: the end of the allocation at
    /// <paramref name="start"/>; 0 when no bit is set after it (nothing was handed out at <paramref name="start"/>).
    /// </summary>
    /// <remarks>Inlined for the common case, an end in the same bitmap word; a longer allocation scans on out of line.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EndOf(byte* block, int start) => EndOf(block, start, Boundaries(block)[start >> 6]);

    /// <summary><see cref="EndOf(byte*, int)"/> given the boundary word that holds <paramref name="start"/>'s bit, already read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EndOf(byte* block, int start, ulong startWord)
    {
        int end = EndInWord(start, startWord);
        return end != 0 ? end : EndBeyondWord(Boundaries(block), start >> 6);
    }

    /// <summary>
    /// The end of the allocation at <paramref name="start"/> when it lies in the same bitmap word
    /// (<paramref name="startWord"/>); 0 when it lies beyond (no allocation ends at slice 0, the header's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EndInWord(int start, ulong startWord)
    {
        ulong after = startWord & (~0UL << (start & 63) << 1);
        return after != 0 ? (start & ~63) + System.Numerics.BitOperations.TrailingZeroCount(after) : 0;
    }

    /// <summary>The first set bit in the words after <paramref name="word"/>; 0 when there is none.</summary>
    /// <remarks>
    /// Read with acquire semantics: the slicing thread sets a new boundary before it clears an old one (an aligned
    /// allocation's gap), so a reader that finds the old bit gone finds the new one.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int EndBeyondWord(ulong* bits, int word)
    {
        while (++word < Layout.BitmapWords)
        {
            ulong current = System.Threading.Volatile.Read(ref bits[word]);
            if (current != 0)
                return (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(current);
        }
        return 0;
    }

    /// <summary>Clears the bitmap words that cover slices [0, <paramref name="usedEnd"/>].</summary>
    public static void ClearBitmap(ulong* bitmap, int usedEnd)
    {
        int words = (usedEnd >> 6) + 1;
        new System.Span<ulong>(bitmap, words).Clear();
    }
}
