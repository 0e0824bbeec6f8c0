// Pointer validation on the free and realloc paths: a pointer FioMem did not hand out is named, never followed.
using System.Runtime.CompilerServices;

namespace FioMem;

internal static unsafe partial class Allocator
{
    /// <summary>
    /// Checks that <paramref name="ptr"/> is the start of an allocation in a live block and returns its slice:
    /// aligned, past the header, in a block that is sliced or retired, on a boundary the slicer marked that some
    /// boundary follows. The last check tells a start from the end of the block's latest allocation (the bump
    /// pointer, or a retired block's end), whose bit is set too but where nothing was handed out.
    /// </summary>
    /// <param name="ptr">The pointer being freed or reallocated.</param>
    /// <param name="block">The block it lies in.</param>
    /// <param name="end">The slice where the allocation ends.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateSlice(void* ptr, byte* block, out int end)
    {
        if (!AddressSpace.IsCarved(ptr) || (uint)(Block.Header(block)->State - (int)BlockState.Active) > 1u)
            ThrowHelper.ThrowForeignPointer(ptr);
        int slice = ValidateSliceOf(ptr, block, out ulong boundaryWord);
        end = Block.EndOf(block, slice, boundaryWord);
        if (end == 0)
            ThrowHelper.ThrowNeverHandedOut(ptr, block);
        return slice;
    }

    /// <summary>
    /// The checks of <see cref="ValidateSlice(void*, byte*, out int)"/> that read neither the block's header nor past
    /// the slice's bitmap word, for a block known to be live (the caller's own, whose bump pointer the caller checks
    /// instead): aligned, past the header, on a boundary the slicer marked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValidateSliceOf(void* ptr, byte* block, out ulong boundaryWord)
    {
        nuint offset = (nuint)ptr & Layout.BlockMask;
        int slice = (int)(offset >> Layout.SliceShift);
        if ((offset & (Layout.SliceSize - 1)) != 0 || slice < Layout.FirstDataSlice)
            ThrowHelper.ThrowForeignPointer(ptr);
        boundaryWord = Block.Boundaries(block)[slice >> 6];
        if ((boundaryWord & (1UL << slice)) == 0)
            ThrowHelper.ThrowNotAnAllocationStart(ptr, block);
        return slice;
    }
}
