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

    /// <summary>64-bit words in one bitmap.</summary>
    public const int BitmapWords = SlicesPerBlock / 64;

    /// <summary>Byte offset of the boundary bitmap (after the header's first cache line).</summary>
    public const int BoundaryBitmapOffset = 64;

    /// <summary>Byte offset of the live-allocation bitmap that checked mode keeps.</summary>
    public const int LiveBitmapOffset = BoundaryBitmapOffset + BitmapWords * 8;

    /// <summary>Byte offset of the first slice handed out.</summary>
    public const int DataOffset = LiveBitmapOffset + BitmapWords * 8;

    /// <summary>The first slice index handed out.</summary>
    public const int FirstDataSlice = DataOffset / SliceSize;

    /// <summary>Allocations of this many bytes or more are large (37.5% of a block, as in facil.io).</summary>
    public const int LargeThreshold = BlockSize / 8 * 3;
}
