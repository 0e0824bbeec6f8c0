// A full check of every block's invariants, for tests and debugging: costs nothing unless called.
using System.Collections.Generic;

namespace FioMem;

/// <summary>
/// Checks what the allocator promises of each block (see <see cref="BlockHeader"/>), all at once. Meant for a quiet
/// moment — after a stress run, with no thread allocating or freeing — when every invariant must hold exactly; while
/// threads run, a block in transition may be reported.
/// </summary>
internal static unsafe class BlockValidator
{
    /// <summary>Every broken invariant found, one line each naming the block; empty when all hold.</summary>
    public static List<string> Validate()
    {
        var problems = new List<string>();
        AddressSpace.VisitBlocks(ref problems, Check);
        return problems;
    }

    private static void Check(ref List<string> problems, byte* block)
    {
        BlockHeader* header = Block.Header(block);
        var state = (BlockState)header->State;
        int references = header->References;
        string name = $"block 0x{(nuint)block:X} ({state})";
        ulong* bits = Block.Boundaries(block);
        switch (state)
        {
            case BlockState.Unused:
            case BlockState.Pooled:
                if (references != 0)
                    problems.Add($"{name}: {references} references in an empty block");
                if (header->UsedEnd != 0)
                    problems.Add($"{name}: UsedEnd {header->UsedEnd} in an empty block");
                if (FirstSetBit(bits) is int stray and >= 0)
                    problems.Add($"{name}: boundary bit {stray} set in an empty block");
                if (!FioMemoryOptions.Checked && FirstFreedBit(block) is int freed and >= 0)
                    problems.Add($"{name}: freed bit {freed} set in an empty block");
                break;
            case BlockState.Retired:
                if (references <= 0 || references > Layout.SlicesPerBlock)
                    problems.Add($"{name}: {references} references (an empty retired block is recycled; at most one per slice)");
                if (header->UsedEnd < Layout.FirstDataSlice || header->UsedEnd > Layout.SlicesPerBlock)
                    problems.Add($"{name}: UsedEnd {header->UsedEnd} outside the data slices");
                if (header->DirtyEnd < header->UsedEnd)
                    problems.Add($"{name}: DirtyEnd {header->DirtyEnd} below UsedEnd {header->UsedEnd}");
                if (LastSetBit(bits) is int last && last > header->UsedEnd)
                    problems.Add($"{name}: boundary bit {last} set past UsedEnd {header->UsedEnd}");
                int starts = CountStarts(bits, header->UsedEnd);
                if (references > starts)
                    problems.Add($"{name}: {references} live allocations but only {starts} allocation starts");
                break;
            case BlockState.Active:
                // The slicer's private count is not visible here: the bias is all that can be checked.
                if (references <= Layout.SlicingBias - Layout.SlicesPerBlock || references > Layout.SlicingBias)
                    problems.Add($"{name}: {references} references, not the slicing bias less at most a block of allocations");
                break;
            case BlockState.Heap:
            case BlockState.Quarantined:
                // A heap releases its blocks whole: frees into them never touch the count.
                if (references != 0)
                    problems.Add($"{name}: {references} references in a heap's block");
                break;
            default:
                problems.Add($"{name}: unknown state {(int)state}");
                break;
        }
    }

    private static int FirstSetBit(ulong* bits)
    {
        for (int word = 0; word < Layout.BitmapWords; word++)
        {
            if (bits[word] != 0)
                return (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits[word]);
        }
        return -1;
    }

    /// <summary>The first slice whose owner-freed or freed bit is set; -1 when none is.</summary>
    private static int FirstFreedBit(byte* block)
    {
        for (int word = 0; word < Layout.BitmapWords; word++)
        {
            ulong bits = *Block.OwnerFreedWord(block, word) | *Block.FreedWord(block, word);
            if (bits != 0)
                return (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
        }
        return -1;
    }

    private static int LastSetBit(ulong* bits)
    {
        for (int word = Layout.BitmapWords - 1; word >= 0; word--)
        {
            if (bits[word] != 0)
                return (word << 6) + 63 - System.Numerics.BitOperations.LeadingZeroCount(bits[word]);
        }
        return -1;
    }

    /// <summary>Set boundary bits below <paramref name="usedEnd"/>: each starts an allocation (or a skipped gap).</summary>
    private static int CountStarts(ulong* bits, int usedEnd)
    {
        int count = 0;
        for (int slice = 0; slice < usedEnd; slice++)
        {
            if (Block.IsSet(bits, slice))
                count++;
        }
        return count;
    }
}
