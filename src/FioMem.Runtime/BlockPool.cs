// Empty blocks kept for reuse, up to a cap; past it they go back to the operating system.
using System;
using System.Collections.Generic;
using System.Threading;

namespace FioMem;

/// <summary>
/// Empty, recycled blocks kept for reuse by all threads. Taking and returning a block is rare next to allocating (once
/// per block's worth of slices), so one short lock guards all of it.
/// </summary>
/// <remarks>
/// <para>A block that its own slicing thread empties goes back on that thread's home list, and the thread takes from
/// its home list first: a thread that allocates and frees a working set of its own gets the same blocks back round
/// after round, in memory its core wrote last; handing blocks out across threads from one shared stack made the local
/// workload at 2 threads and the seed round measurably slower (docs/allocator.md, "The pool"). Blocks emptied by another thread (a
/// cross-thread free) go on the shared stack. A thread whose home list and the shared stack are empty takes from
/// another thread's home list before it asks the operating system for memory, so a home list never strands a block:
/// every pooled block is available to every thread, and <see cref="Trim"/> releases them all.</para>
/// <para>The cap matters: facil.io keeps ~32 blocks per core and, with a working set above that, thrashes between pool
/// and OS. <see cref="FioMemoryOptions.MaxPooledBlocks"/> sets it, over all lists together.</para>
/// <para>Each pooled block's arrival time is kept in its header (<see cref="BlockHeader.PooledSince"/>), so
/// <see cref="TrimIdle"/> can release the blocks nobody took for a while (<see cref="IdleTrim"/> decides when) with
/// no map to keep beside the lists. Lists are last-in first-out, so under load the same few blocks go round at the
/// top and the idle ones sink to the bottom.</para>
/// </remarks>
internal static unsafe class BlockPool
{
    private static readonly Lock s_lock = new();

    /// <summary>Blocks emptied by a thread other than their slicer, most recently returned on top. Guarded by <see cref="s_lock"/>.</summary>
    private static readonly Stack<nuint> s_shared = new();

    /// <summary>
    /// Each thread's home list: empty blocks it sliced and emptied itself, most recent on top. An entry lives until its
    /// thread is swept after it exits (<see cref="Orphan"/>). Guarded by <see cref="s_lock"/>.
    /// </summary>
    private static readonly Dictionary<ThreadCache, Stack<nuint>> s_homeLists = new();

    /// <summary>The thread caches whose home list is not empty. Guarded by <see cref="s_lock"/>.</summary>
    private static readonly List<ThreadCache> s_homes = new();

    /// <summary>How many blocks are pooled, on all lists; read without the lock by statistics.</summary>
    private static int s_count;

    /// <summary>Blocks the automatic trims (idle delay, memory pressure) released since start-up.</summary>
    private static long s_trimmedBlocks;

    /// <summary>When an automatic trim last released a block (<see cref="DateTime.Ticks"/>, UTC); 0 before the first.</summary>
    private static long s_lastTrimTicks;

    public static int Count => Volatile.Read(ref s_count);

    public static long TrimmedBlocks => Volatile.Read(ref s_trimmedBlocks);

    public static DateTime? LastTrim => Volatile.Read(ref s_lastTrimTicks) is long ticks and not 0 ? new DateTime(ticks, DateTimeKind.Utc) : null;

    /// <summary>
    /// A pooled block (state <see cref="BlockState.Pooled"/>) for <paramref name="cache"/> to slice: from its home
    /// list, else the shared stack, else another thread's home list. Null when the pool is empty.
    /// </summary>
    public static byte* Rent(ThreadCache cache)
    {
        lock (s_lock)
        {
            if (s_homeLists.TryGetValue(cache, out Stack<nuint>? home) && home.Count > 0)
                return Take(cache, home);
            if (s_shared.TryPop(out nuint block))
            {
                s_count--;
                return (byte*)block;
            }
            if (s_homes.Count == 0)
                return null;
            ThreadCache other = s_homes[^1];
            return Take(other, s_homeLists[other]);
        }
    }

    /// <summary>
    /// Keeps an empty block, on <paramref name="home"/>'s home list when given (the calling thread's cache, which
    /// sliced the block), else on the shared stack; releases it to the OS when the pool is full.
    /// </summary>
    public static void Return(byte* block, ThreadCache? home)
    {
        Block.Header(block)->State = (int)BlockState.Pooled;
        bool pooled = false;
        lock (s_lock)
        {
            if (s_count < FioMemoryOptions.MaxPooledBlocks)
            {
                if (home is null)
                {
                    s_shared.Push((nuint)block);
                }
                else
                {
                    if (!s_homeLists.TryGetValue(home, out Stack<nuint>? blocks))
                        s_homeLists[home] = blocks = new();
                    if (blocks.Count == 0)
                        s_homes.Add(home);
                    blocks.Push((nuint)block);
                }
                s_count++;
                Block.Header(block)->PooledSince = Environment.TickCount64;
                pooled = true;
            }
        }
        if (pooled)
            IdleTrim.OnBlockPooled();
        else
            AddressSpace.ReleaseBlock(block);
    }

    /// <summary>Moves the home list of a cache whose thread has exited onto the shared stack, and forgets the list.</summary>
    public static void Orphan(ThreadCache cache)
    {
        lock (s_lock)
        {
            if (!s_homeLists.Remove(cache, out Stack<nuint>? home) || home.Count == 0)
                return;
            // Oldest first, so the shared stack's top stays the most recently used.
            nuint[] blocks = home.ToArray();
            for (int i = blocks.Length - 1; i >= 0; i--)
                s_shared.Push(blocks[i]);
            home.Clear();
            s_homes.Remove(cache);
        }
    }

    /// <summary>Releases every pooled block to the OS.</summary>
    public static void Trim()
    {
        List<nuint> blocks = new();
        lock (s_lock)
        {
            blocks.AddRange(s_shared);
            s_shared.Clear();
            foreach (ThreadCache cache in s_homes)
            {
                Stack<nuint> home = s_homeLists[cache];
                blocks.AddRange(home);
                home.Clear();
            }
            s_homes.Clear();
            s_count = 0;
        }
        foreach (nuint block in blocks)
            AddressSpace.ReleaseBlock((byte*)block);
    }

    /// <summary>
    /// Releases to the OS every pooled block that arrived at or before <paramref name="cutoff"/>
    /// (<see cref="Environment.TickCount64"/>), and counts them as trimmed.
    /// </summary>
    /// <param name="cutoff">Blocks pooled at this tick or earlier go; <see cref="long.MaxValue"/> releases all.</param>
    /// <param name="oldestKept">When the oldest block still pooled arrived; <see cref="long.MaxValue"/> when none is.</param>
    /// <returns>How many blocks were released.</returns>
    public static int TrimIdle(long cutoff, out long oldestKept)
    {
        List<nuint>? released = null;
        oldestKept = long.MaxValue;
        lock (s_lock)
        {
            if (s_count == 0)
                return 0;
            KeepRecent(s_shared, cutoff, ref released, ref oldestKept);
            for (int i = s_homes.Count - 1; i >= 0; i--)
            {
                Stack<nuint> home = s_homeLists[s_homes[i]];
                KeepRecent(home, cutoff, ref released, ref oldestKept);
                if (home.Count == 0)
                    s_homes.RemoveAt(i);
            }
            if (released is null)
                return 0;
            s_count -= released.Count;
            // Counted with the pool's own count, so statistics never show a block neither pooled nor trimmed; the OS
            // release (BlocksReleased, ReservedBytes) follows below, outside the lock.
            Interlocked.Add(ref s_trimmedBlocks, released.Count);
            Volatile.Write(ref s_lastTrimTicks, DateTime.UtcNow.Ticks);
        }
        foreach (nuint block in released)
            AddressSpace.ReleaseBlock((byte*)block);
        return released.Count;
    }

    /// <summary>Takes the blocks pooled at or before <paramref name="cutoff"/> off <paramref name="list"/>, keeping the others in order.</summary>
    private static void KeepRecent(Stack<nuint> list, long cutoff, ref List<nuint>? released, ref long oldestKept)
    {
        if (list.Count == 0)
            return;
        nuint[] blocks = list.ToArray();
        list.Clear();
        // ToArray lists the top first; pushing back from the end keeps the order.
        for (int i = blocks.Length - 1; i >= 0; i--)
        {
            nuint block = blocks[i];
            long since = Block.Header((byte*)block)->PooledSince;
            if (since <= cutoff)
            {
                (released ??= new()).Add(block);
            }
            else
            {
                list.Push(block);
                oldestKept = Math.Min(oldestKept, since);
            }
        }
    }

    private static byte* Take(ThreadCache owner, Stack<nuint> home)
    {
        nuint block = home.Pop();
        if (home.Count == 0)
            s_homes.Remove(owner);
        s_count--;
        return (byte*)block;
    }
}
