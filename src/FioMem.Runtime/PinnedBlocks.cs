// Which blocks live allocations keep reserved after every thread stopped slicing them, and (checked mode) by what.
using System.Collections.Generic;

namespace FioMem;

/// <summary>
/// A block that no thread is slicing any more but that live allocations keep reserved: the cost of allocations that
/// live long. From <see cref="FioMemory.GetPinnedBlocks"/>.
/// </summary>
/// <param name="Address">The block's address.</param>
/// <param name="LiveAllocations">How many allocations in it are still live.</param>
/// <param name="AllocationsByType">Checked mode only: live allocations by <c>[FioAllocated]</c> type name
/// (<c>"(untyped)"</c> for <see cref="FioMemory.Alloc(nuint)"/> and friends); empty otherwise.</param>
public sealed record FioPinnedBlock(nint Address, int LiveAllocations, IReadOnlyDictionary<string, int> AllocationsByType);

internal static unsafe class PinnedBlocks
{
    public const string Untyped = "(untyped)";

    public static IReadOnlyList<FioPinnedBlock> Snapshot()
    {
        var visit = new Visit(new List<FioPinnedBlock>(), ThreadCache.PendingFreesByBlock());
        AddressSpace.VisitBlocks(ref visit, VisitBlock);
        return visit.Result;
    }

    /// <summary>The snapshot being built, and the frees threads have counted for blocks but not yet taken off them.</summary>
    private record struct Visit(List<FioPinnedBlock> Result, Dictionary<nuint, int> PendingFrees);

    private static void VisitBlock(ref Visit visit, byte* block)
    {
        BlockHeader* header = Block.Header(block);
        if (System.Threading.Volatile.Read(ref header->State) != (int)BlockState.Retired)
            return;
        int count = System.Threading.Volatile.Read(ref header->References);
        // A block that is being retired is marked Retired a moment before its slicer's bias leaves the count: a count
        // above what a block can hold is that moment, not live allocations, and the block is not pinned yet.
        if (count <= 0 || count > Layout.SlicesPerBlock)
            return;
        // Frees its slicer made and has not settled yet are not live allocations.
        int live = count - visit.PendingFrees.GetValueOrDefault((nuint)block);
        if (live <= 0)
            return;
        var byType = new Dictionary<string, int>();
        if (FioMemoryOptions.Checked)
        {
            ulong* bits = Block.LiveBits(block);
            for (int word = 0; word < Layout.BitmapWords; word++)
            {
                for (ulong w = bits[word]; w != 0; w &= w - 1)
                {
                    int slice = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(w);
                    string name = CheckedMode.TypeOf(block + ((nuint)slice << Layout.SliceShift)) ?? Untyped;
                    byType[name] = byType.GetValueOrDefault(name) + 1;
                }
            }
        }
        visit.Result.Add(new FioPinnedBlock((nint)block, live, byType));
    }
}
