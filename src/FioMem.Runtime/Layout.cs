// The block layout: sizes and offsets every part of the allocator agrees on.
namespace FioMem;

/// <summary>Sizes and offsets of a block. All small-allocation arithmetic is in 16-byte units ("slices").</summary>
internal static class Layout
{
    /// <summary>log2 of <see cref="BlockSize"/>.</summary>
    public const int BlockShift = 17;

    /// <summary>Bytes per block; blocks are aligned on this size so <c>ptr &amp; ~BlockMask</c> finds the header.</summary>
    public const int BlockSize = 1 << BlockShift;

    /// <summary>Masks the offset inside a block.</summary>
    public const nuint BlockMask = BlockSize - 1;

    /// <summary>log2 of <see cref="SliceSize"/>.</summary>
    public const int SliceShift = 4;

    /// <summary>The allocation unit and alignment.</summary>
    public const int SliceSize = 1 << SliceShift;

    /// <summary>Slices per block, header included: one bit each in a bitmap.</summary>
    public const int SlicesPerBlock = BlockSize / SliceSize;

    /// <summary>
    /// 64-bit words in one bitmap: one bit per slice, plus one word so the end-of-block boundary
    /// (bit <see cref="SlicesPerBlock"/>) can be marked without a branch.
    /// </summary>
    public const int BitmapWords = SlicesPerBlock / 64 + 1;

    /// <summary>Byte offset of the boundary bitmap (after the header's cache line, which remote frees write).</summary>
    public const int BoundaryBitmapOffset = 64;

    /// <summary>Byte offset of the live-allocation bitmap that checked mode keeps.</summary>
    public const int LiveBitmapOffset = BoundaryBitmapOffset + BitmapWords * 8;

    /// <summary>
    /// Byte offset of the two freed bitmaps (normal mode), interleaved word by word so that a free finds both of its
    /// words on one cache line: the owner-freed word (written by the thread that sliced the block), then the freed word
    /// (written atomically by other threads). The region starts at the live bitmap: checked mode, which keeps that one,
    /// has no use for these, and the mode is fixed per process.
    /// </summary>
    public const int FreedPairsOffset = LiveBitmapOffset;

    /// <summary>Byte offset of the first slice handed out (rounded up to a cache line).</summary>
    public const int DataOffset = (FreedPairsOffset + 2 * BitmapWords * 8 + 63) & ~63;

    /// <summary>The first slice index handed out.</summary>
    public const int FirstDataSlice = DataOffset / SliceSize;

    /// <summary>Allocations of this many bytes or more are large (37.5% of a block, as in facil.io).</summary>
    public const int LargeThreshold = BlockSize / 8 * 3;

    /// <summary>
    /// The reference-count bias a block carries while a thread slices it. The thread counts its allocations
    /// privately and settles with the block once, when it retires it, so allocation needs no atomic.
    /// </summary>
    public const int SlicingBias = 1 << 30;

    /// <summary>
    /// The largest alignment sliced from a block (<c>AlignedAlloc</c>): the start slice is rounded up to it, and the
    /// skipped slices go with the allocation before them. Larger alignments take the large path.
    /// </summary>
    public const int MaxSlicedAlignment = 4096;

    /// <summary>Slices an allocation of <paramref name="byteCount"/> bytes takes (one for zero bytes); below <see cref="LargeThreshold"/> only.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int SlicesFor(nuint byteCount) =>
        byteCount == 0 ? 1 : (int)((byteCount + (SliceSize - 1)) >> SliceShift);
}
