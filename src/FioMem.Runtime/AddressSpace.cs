// The address map: where blocks come from, and whether a pointer lies in one.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using FioMem.Os;

namespace FioMem;

/// <summary>
/// Blocks are carved from one region of address space reserved at start-up (mmap with MAP_NORESERVE, or
/// VirtualAlloc MEM_RESERVE) and aligned on <see cref="Layout.BlockSize"/>. Only the blocks in use are committed.
/// So "is this pointer a FioMem block's?" is one subtraction and one compare, which is what lets <c>Free</c>
/// tell its own memory from memory it did not allocate (handed to NativeMemory) on every call at no measurable cost.
/// </summary>
/// <remarks>
/// A block that goes back to the operating system is decommitted, not unmapped, and its slot is reused first
/// (facil.io 0.7 unmaps whole chunks and re-maps them each round). Where no region can be reserved, blocks come
/// from <see cref="NativeMemory.AlignedAlloc(nuint, nuint)"/> one at a time and a set of their addresses answers
/// the ownership question instead (the portable mode): read without a lock, since every free of a small allocation
/// asks it, and changed under the lock, so a block is never freed while <see cref="VisitBlocks"/> reads it.
/// </remarks>
internal static unsafe class AddressSpace
{
    /// <summary>First byte of the region (block aligned); 0 in portable mode.</summary>
    public static readonly nuint RegionStart;

    /// <summary>Bytes in the region; 0 in portable mode, so <see cref="InRegion"/> is always false there.</summary>
    public static readonly nuint RegionSize;

    /// <summary>Whether blocks come from the portable source.</summary>
    public static readonly bool IsPortable;

    private static readonly Lock s_lock = new();

    /// <summary>Offset of the first never-used block in the region; grows only. Guarded by <see cref="s_lock"/>.</summary>
    private static nuint s_carved;

    /// <summary>Region blocks whose pages went back to the OS, reused before <see cref="s_carved"/> grows. Guarded by <see cref="s_lock"/>.</summary>
    private static readonly Stack<nuint> s_decommitted = new();

    /// <summary>Portable mode: the blocks that exist. Read without a lock; changed under <see cref="s_lock"/>.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<nuint, bool> s_portableBlocks = new();

    /// <summary>Blocks committed (in use or pooled).</summary>
    private static long s_committedBlocks;

    /// <summary>Blocks given back to the operating system since start-up.</summary>
    private static long s_releasedBlocks;

    static AddressSpace()
    {
        if (!FioMemoryOptions.PortableMemory && SystemMemory.CanReserve)
        {
            // Ask for the configured reservation, then for less if the system refuses (strict overcommit, 32-bit).
            for (nuint size = (nuint)FioMemoryOptions.ReserveBytes & ~Layout.BlockMask; size >= 4 * Layout.BlockSize; size /= 4)
            {
                void* raw = SystemMemory.ReserveRegion(size + Layout.BlockSize);
                if (raw == null)
                    continue;
                RegionStart = ((nuint)raw + Layout.BlockMask) & ~Layout.BlockMask;
                RegionSize = size;
                return;
            }
        }
        IsPortable = true;
    }

    public static long CommittedBlocks => Volatile.Read(ref s_committedBlocks);

    public static long ReleasedBlocks => Volatile.Read(ref s_releasedBlocks);

    /// <summary>Whether <paramref name="ptr"/> lies in the reserved region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InRegion(void* ptr) => (nuint)ptr - RegionStart < RegionSize;

    /// <summary>
    /// Whether the header of the block <paramref name="ptr"/> lies in can be read. Only Windows needs the check: its
    /// region beyond the carved blocks is reserved but not committed, while on Unix such pages read as zero (state
    /// <see cref="BlockState.Unused"/>, which <c>Free</c> rejects anyway). The JIT folds the OS test away.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCarved(void* ptr) =>
        !OperatingSystem.IsWindows() || IsPortable || (nuint)ptr - RegionStart < Volatile.Read(ref s_carved);

    /// <summary>Whether <paramref name="ptr"/> lies in a FioMem block, in either mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool OwnsBlockOf(void* ptr) => InRegion(ptr) || (IsPortable && IsPortableBlock(Block.Of(ptr)));

    private static bool IsPortableBlock(byte* block) => s_portableBlocks.ContainsKey((nuint)block);

    /// <summary>
    /// Calls <paramref name="visit"/> for every block that has been carved (region mode) or exists (portable mode),
    /// while its header can be read: a region block's pages stay mapped (decommitted ones read as zero; Windows keeps
    /// the header page), and a portable block is not freed until the visit is over (the lock is held).
    /// </summary>
    public static void VisitBlocks<TState>(ref TState state, VisitBlock<TState> visit)
    {
        if (IsPortable)
        {
            lock (s_lock)
            {
                foreach (nuint block in s_portableBlocks.Keys)
                    visit(ref state, (byte*)block);
            }
            return;
        }
        nuint carved;
        lock (s_lock)
            carved = s_carved;
        for (nuint offset = 0; offset < carved; offset += Layout.BlockSize)
            visit(ref state, (byte*)(RegionStart + offset));
    }

    /// <summary>What <see cref="VisitBlocks"/> calls for each block.</summary>
    public delegate void VisitBlock<TState>(ref TState state, byte* block);

    /// <summary>Commits a block that has never been used or was decommitted: every byte of it reads as zero.</summary>
    /// <returns>The block, or null when the region is full or the system is out of memory.</returns>
    public static byte* TakeFreshBlock()
    {
        byte* block;
        if (IsPortable)
        {
            try
            {
                block = (byte*)NativeMemory.AlignedAlloc(Layout.BlockSize, Layout.BlockSize);
            }
            catch (OutOfMemoryException)
            {
                // Null lets the caller take back exited threads' blocks and try the pool again.
                return null;
            }
            NativeMemory.Clear(block, Layout.BlockSize);
            lock (s_lock)
                s_portableBlocks[(nuint)block] = true;
        }
        else
        {
            lock (s_lock)
            {
                if (s_decommitted.TryPop(out nuint slot))
                    block = (byte*)slot;
                else if (s_carved < RegionSize)
                {
                    block = (byte*)(RegionStart + s_carved);
                    s_carved += Layout.BlockSize;
                }
                else
                    return null;
            }
            if (!SystemMemory.Commit(block, Layout.BlockSize))
            {
                lock (s_lock)
                    s_decommitted.Push((nuint)block);
                return null;
            }
        }
        Interlocked.Increment(ref s_committedBlocks);
        return block;
    }

    /// <summary>Gives an empty block's memory back to the operating system.</summary>
    public static void ReleaseBlock(byte* block)
    {
        if (IsPortable)
        {
            lock (s_lock)
                s_portableBlocks.TryRemove((nuint)block, out _);
            NativeMemory.AlignedFree(block);
        }
        else if (OperatingSystem.IsWindows())
        {
            // Keep the header page committed so a stale pointer into this block is still rejected, not faulted on.
            SystemMemory.Decommit(block + SystemMemory.PageSize, Layout.BlockSize - SystemMemory.PageSize);
            NativeMemory.Clear(block, SystemMemory.PageSize);
            lock (s_lock)
                s_decommitted.Push((nuint)block);
        }
        else
        {
            SystemMemory.Decommit(block, Layout.BlockSize);
            lock (s_lock)
                s_decommitted.Push((nuint)block);
        }
        Interlocked.Decrement(ref s_committedBlocks);
        Interlocked.Increment(ref s_releasedBlocks);
    }
}
