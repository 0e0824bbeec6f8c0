// Checked mode: the blocks of reset or disposed heaps, poisoned and held back until their poison is verified.
using System;
using System.Collections.Generic;
using System.Threading;

namespace FioMem;

/// <summary>
/// Where checked mode keeps a heap's blocks once the heap is reset or disposed: filled with
/// <see cref="CheckedMode.Poison"/> and held back from the pool for a while. A block leaves when
/// <see cref="Capacity"/> newer ones have arrived; its poison is verified then, and a byte that is no longer poison
/// was written through a pointer into the heap after the heap let it go: the call that pushed the block out (a heap's
/// <c>Reset</c> or <c>Dispose</c>) throws <see cref="InvalidOperationException"/> naming the address, as a recycled
/// block reports a write after free.
/// </summary>
internal static unsafe class HeapQuarantine
{
    /// <summary>How many blocks are held back (2 MiB), the oldest leaving first.</summary>
    public const int Capacity = 16;

    private static readonly Lock s_lock = new();

    /// <summary>The held blocks, oldest first. Guarded by <see cref="s_lock"/>.</summary>
    private static readonly Queue<nuint> s_blocks = new();

    /// <summary>Poisons a heap's block (state <see cref="BlockState.Quarantined"/>) and holds it; returns the problem found in the block it pushed out, if any.</summary>
    public static Exception? Add(byte* block)
    {
        int usedEnd = Block.Header(block)->UsedEnd;
        if (usedEnd > Layout.FirstDataSlice)
            new Span<byte>(block + Layout.DataOffset, (usedEnd - Layout.FirstDataSlice) << Layout.SliceShift).Fill(CheckedMode.Poison);
        nuint oldest = 0;
        lock (s_lock)
        {
            s_blocks.Enqueue((nuint)block);
            if (s_blocks.Count > Capacity)
                oldest = s_blocks.Dequeue();
        }
        return oldest == 0 ? null : Allocator.RecycleQuarantined((byte*)oldest);
    }

    /// <summary>Verifies and pools every held block (tests, and code that wants the report now); throws the first write found.</summary>
    public static void Drain()
    {
        nuint[] blocks;
        lock (s_lock)
        {
            blocks = s_blocks.ToArray();
            s_blocks.Clear();
        }
        Exception? problem = null;
        foreach (nuint block in blocks)
            problem ??= Allocator.RecycleQuarantined((byte*)block);
        if (problem is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(problem);
    }
}
