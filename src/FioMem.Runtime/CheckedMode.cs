// Checked mode: double-free, interior-free and write-after-free detection. Costs nothing when off.
using System;
using System.Collections.Concurrent;
using System.Threading;

namespace FioMem;

/// <summary>
/// What <c>FioMem.Checked</c> adds. Each block keeps a second bitmap with one bit per live allocation start:
/// <c>Free</c> clears it atomically, so a second free of the same pointer finds it clear and is named. Freed slices
/// are filled with <see cref="Poison"/>; when the block is recycled, any byte that is no longer poison was written
/// through a dangling pointer, and the recycling call reports it.
/// </summary>
/// <remarks>Every call site tests the <c>static readonly</c> <see cref="FioMemoryOptions.Checked"/> first, which the
/// JIT folds to a constant, so none of this is compiled into the fast paths when checked mode is off.</remarks>
internal static unsafe class CheckedMode
{
    /// <summary>The byte freed slices are filled with.</summary>
    public const byte Poison = 0xDB;

    /// <summary>The [FioAllocated] type of each live typed allocation, for <see cref="FioMemory.GetPinnedBlocks"/>.</summary>
    private static readonly ConcurrentDictionary<nuint, string> s_typeNames = new();

    /// <summary>Remembers which [FioAllocated] type an allocation holds (called by <see cref="FioAlloc{T}"/>).</summary>
    public static void RecordType(void* ptr, string typeName)
    {
        // Only slices are ever reported (and only their frees remove an entry); large allocations are not recorded.
        if (AddressSpace.OwnsBlockOf(ptr))
            s_typeNames[(nuint)ptr] = typeName;
    }

    /// <summary>The type recorded for a live allocation, or null for an untyped one.</summary>
    public static string? TypeOf(void* ptr) => s_typeNames.TryGetValue((nuint)ptr, out string? name) ? name : null;

    public static void OnAllocate(byte* block, int slice)
    {
        ulong* live = Block.LiveBits(block);
        Interlocked.Or(ref live[slice >> 6], 1UL << slice);
    }

    public static void OnFree(void* ptr, byte* block, int slice)
    {
        ulong bit = 1UL << slice;
        ulong before = Interlocked.And(ref Block.LiveBits(block)[slice >> 6], ~bit);
        if ((before & bit) == 0)
            ThrowHelper.ThrowDoubleFree(ptr, block);
        s_typeNames.TryRemove((nuint)ptr, out _);
        int end = Block.EndOf(block, slice);
        new Span<byte>(ptr, (end - slice) << Layout.SliceShift).Fill(Poison);
    }

    public static void CheckLive(void* ptr, byte* block, int slice)
    {
        if (!Block.IsSet(Block.LiveBits(block), slice))
            ThrowHelper.ThrowDoubleFree(ptr, block);
    }

    /// <summary>Checks that every slice the block handed out still holds poison; returns the error to report, if any.</summary>
    public static Exception? VerifyPoison(byte* block, int usedEnd)
    {
        if (usedEnd <= Layout.FirstDataSlice)
            return null;
        byte* data = block + Layout.DataOffset;
        var used = new ReadOnlySpan<byte>(data, (usedEnd - Layout.FirstDataSlice) << Layout.SliceShift);
        int index = used.IndexOfAnyExcept(Poison);
        return index < 0 ? null : ThrowHelper.WriteAfterFree(data + index, block);
    }
}
