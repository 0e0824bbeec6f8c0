// Pointer validation on the free and realloc paths: a pointer into FioMem's blocks that is not a live allocation's start
// is named, never followed.
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

internal static unsafe partial class Allocator
{
    /// <summary>
    /// Checks that <paramref name="ptr"/> is the start of an allocation in a live block and returns its slice:
    /// aligned, past the header, in a block that is sliced or retired, on a boundary the slicer marked, and below the
    /// end of the block's latest allocation, whose bit is set too but where nothing was handed out. A retired block
    /// knows that end (<see cref="BlockHeader.UsedEnd"/>, one read of the header line the free then writes); in a
    /// block another thread is slicing it is the bump pointer, which that thread keeps to itself, so there a start is
    /// told from it by a set boundary bit after it.
    /// </summary>
    /// <param name="ptr">The pointer being freed or reallocated.</param>
    /// <param name="block">The block it lies in.</param>
    /// <param name="boundaryWord">The boundary bitmap word that holds the slice's bit, as read for the check.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateSlice(void* ptr, byte* block, out ulong boundaryWord)
    {
        BlockHeader* header = Block.Header(block);
        int state = ValidateLiveBlock(ptr, header);
        int slice = ValidateSliceOf(ptr, block, out boundaryWord);
        if (state == (int)BlockState.Retired ? slice >= header->UsedEnd : Block.EndOf(block, slice, boundaryWord) == 0)
            ThrowHelper.ThrowNeverHandedOut(ptr, block);
        return slice;
    }

    /// <summary>
    /// The checks of <see cref="ValidateSlice(void*, byte*, out ulong)"/> for a caller that needs the allocation's end
    /// (<c>Realloc</c>, for the size): the end is found by the bitmap whatever the block's state, and a start with no
    /// boundary after it is the end of the latest allocation.
    /// </summary>
    /// <param name="ptr">The pointer being reallocated.</param>
    /// <param name="block">The block it lies in.</param>
    /// <param name="end">The slice where the allocation ends.</param>
    private static int ValidateSliceAndEnd(void* ptr, byte* block, out int end)
    {
        ValidateLiveBlock(ptr, Block.Header(block));
        int slice = ValidateSliceOf(ptr, block, out ulong boundaryWord);
        end = Block.EndOf(block, slice, boundaryWord);
        if (end == 0)
            ThrowHelper.ThrowNeverHandedOut(ptr, block);
        return slice;
    }

    /// <summary>Rejects a pointer outside the carved blocks or in a block that is neither sliced nor retired; returns the state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateLiveBlock(void* ptr, BlockHeader* header)
    {
        // Acquire: a retired block's UsedEnd, written before its state, is read after it.
        int state = Volatile.Read(ref header->State);
        if (!AddressSpace.IsCarved(ptr) || (uint)(state - (int)BlockState.Active) > 1u)
            ThrowHelper.ThrowNoLiveAllocation(ptr);
        return state;
    }

    /// <summary>
    /// The checks of <see cref="ValidateSlice(void*, byte*, out ulong)"/> that read neither the block's header nor past
    /// the slice's bitmap word, for a block known to be live (the caller's own, whose bump pointer the caller checks
    /// instead): aligned, past the header, on a boundary the slicer marked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateSliceOf(void* ptr, byte* block, out ulong boundaryWord)
    {
        nuint offset = (nuint)ptr & Layout.BlockMask;
        int slice = (int)(offset >> Layout.SliceShift);
        if ((offset & (Layout.SliceSize - 1)) != 0 || slice < Layout.FirstDataSlice)
            ThrowHelper.ThrowNoLiveAllocation(ptr);
        boundaryWord = Block.Boundaries(block)[slice >> 6];
        if ((boundaryWord & (1UL << slice)) == 0)
            ThrowHelper.ThrowNotAnAllocationStart(ptr, block);
        return slice;
    }
}
