// Empty blocks kept for reuse, up to a cap; past it they go back to the operating system.
using System.Collections.Generic;
using System.Threading;

namespace FioMem;

/// <summary>
/// A stack of empty, recycled blocks shared by all threads. Taking and returning a block is rare next to
/// allocating (once per block's worth of slices), so one short lock is enough here.
/// </summary>
/// <remarks>
/// The cap matters: facil.io keeps ~32 blocks per core and, with a working set above that, thrashes between pool
/// and OS. <see cref="FioMemoryOptions.MaxPooledBlocks"/> sets it.
/// </remarks>
internal static unsafe class BlockPool
{
    private static readonly Lock s_lock = new();

    /// <summary>Pooled block addresses, most recently returned on top (warmest in cache). Guarded by <see cref="s_lock"/>.</summary>
    private static readonly Stack<nuint> s_blocks = new();

    /// <summary>How many blocks are pooled; read without the lock by statistics.</summary>
    private static int s_count;

    public static int Count => Volatile.Read(ref s_count);

    /// <summary>A pooled block (state <see cref="BlockState.Pooled"/>), or null when the pool is empty.</summary>
    public static byte* Rent()
    {
        lock (s_lock)
        {
            if (!s_blocks.TryPop(out nuint block))
                return null;
            s_count--;
            return (byte*)block;
        }
    }

    /// <summary>Keeps an empty block, or releases it to the OS when the pool is full.</summary>
    public static void Return(byte* block)
    {
        Block.Header(block)->State = (int)BlockState.Pooled;
        lock (s_lock)
        {
            if (s_count < FioMemoryOptions.MaxPooledBlocks)
            {
                s_blocks.Push((nuint)block);
                s_count++;
                return;
            }
        }
        AddressSpace.ReleaseBlock(block);
    }

    /// <summary>Releases every pooled block to the OS.</summary>
    public static void Trim()
    {
        while (true)
        {
            byte* block = Rent();
            if (block == null)
                return;
            AddressSpace.ReleaseBlock(block);
        }
    }
}
