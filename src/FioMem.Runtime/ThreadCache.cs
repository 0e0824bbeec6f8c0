// Each thread's current block: the allocation fast path slices it with no atomic and no lock.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

/// <summary>
/// The block a thread is slicing, and the thread's private count of what it handed out from it. Only the owning
/// thread touches these fields, except the allocator's sweep of exited threads (<see cref="TakeExited"/>), which takes
/// over caches whose thread has exited (so a thread that ends never strands its block). The idle trim runs that sweep
/// too, and a thread's exit arms it.
/// </summary>
internal sealed unsafe class ThreadCache
{
    /// <summary>A <see cref="Next"/> that makes every fit test fail: the cache has no block.</summary>
    public const int NoBlock = Layout.SlicesPerBlock + 1;

#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    [ThreadStatic] private static ThreadCache? t_current;

    /// <summary>Referenced by nothing but the thread: finalized after the thread exits (see <see cref="ExitSignal"/>).</summary>
    [ThreadStatic] private static ExitSignal? t_exitSignal;
#pragma warning restore IDE1006

    private static readonly Lock s_registryLock = new();

    /// <summary>Every cache whose block has not been given up. Guarded by <see cref="s_registryLock"/>.</summary>
    private static readonly List<ThreadCache> s_registry = new();

    /// <summary>The last <see cref="Id"/> given out.</summary>
    private static int s_lastId;

    /// <summary>Registry size at which the next new cache first sweeps out exited threads. Guarded by <see cref="s_registryLock"/>.</summary>
    private static int s_sweepAt = 64;

    /// <summary>The block being sliced, or null.</summary>
    public byte* Block;

    /// <summary>
    /// The next free slice in <see cref="Block"/>; <see cref="NoBlock"/> when there is none. Its boundary bit is always
    /// set (the end of the latest allocation, or set when the block became current), so an allocation sets only its end.
    /// </summary>
    public int Next = NoBlock;

    /// <summary>
    /// The thread's latest allocation in <see cref="Block"/> (it ends at <see cref="Next"/>), or null when that is not
    /// known: after the latest allocation was freed (the one before it is not tracked) and when there is no block.
    /// A free of this pointer steps the bump pointer back without reading the boundary bitmap. Normal mode only.
    /// </summary>
    public byte* Latest;

    /// <summary>
    /// A block this thread sliced and retired, into which it has made <see cref="PendingFrees"/> frees that the block's
    /// count does not reflect yet (settled with one atomic by <c>Allocator.SettlePendingFrees</c>); null when none.
    /// Normal mode only.
    /// </summary>
    public byte* PendingBlock;

    /// <summary>Frees into <see cref="PendingBlock"/> not yet taken off its count.</summary>
    public int PendingFrees;

    /// <summary>Allocations handed out from <see cref="Block"/> since it became current (settled at retirement).</summary>
    public int Allocated;

    /// <summary>Slices of <see cref="Block"/> below this may hold old bytes and are zeroed as they are handed out.</summary>
    public int DirtyEnd;

    /// <summary>The thread this cache belongs to.</summary>
    public readonly Thread Owner;

    /// <summary>
    /// Tells caches apart in <see cref="BlockHeader.Slicer"/>; unique until 2³² caches have been created, and a repeat
    /// after that only pools a block on the wrong thread's home list.
    /// </summary>
    public readonly int Id = Interlocked.Increment(ref s_lastId);

    private ThreadCache(Thread owner) => Owner = owner;

    /// <summary>The calling thread's cache, or null before its first allocation.</summary>
    public static ThreadCache? Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current;
    }

    public static int Count
    {
        get
        {
            lock (s_registryLock)
                return s_registry.Count;
        }
    }

    /// <summary>Creates and registers the calling thread's cache.</summary>
    /// <param name="sweepDue">Whether the registry has doubled since exited threads were last taken out of it: the
    /// caller should sweep them (<c>Allocator.SweepExitedThreads</c>).</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ThreadCache CreateForCurrentThread(out bool sweepDue)
    {
        FioMemoryOptions.ThrowIfInvalid();
        FioMemoryMetrics.EnsureCreated();
        var cache = new ThreadCache(Thread.CurrentThread);
        lock (s_registryLock)
        {
            s_registry.Add(cache);
            sweepDue = s_registry.Count >= s_sweepAt;
        }
        t_current = cache;
        t_exitSignal = new ExitSignal();
        return cache;
    }

    /// <summary>
    /// Tells the idle trim that a thread with a cache has exited, so its block comes back without a call to
    /// <c>Trim()</c>: a thread's statics are dropped when it ends, and the next collection finalizes this object.
    /// </summary>
    private sealed class ExitSignal
    {
        ~ExitSignal()
        {
            if (!Environment.HasShutdownStarted)
                IdleTrim.OnThreadExited();
        }
    }

    /// <summary>
    /// The frees each registered cache has counted for a block and not yet taken off the block's count, by block: read
    /// without the caches' threads stopping, so a snapshot that may be a moment old (for <c>GetPinnedBlocks()</c>).
    /// </summary>
    public static Dictionary<nuint, int> PendingFreesByBlock()
    {
        var pending = new Dictionary<nuint, int>();
        lock (s_registryLock)
        {
            foreach (ThreadCache cache in s_registry)
            {
                int frees = Volatile.Read(ref cache.PendingFrees);
                nuint block = (nuint)cache.PendingBlock;
                if (block != 0 && frees > 0)
                    pending[block] = pending.GetValueOrDefault(block) + frees;
            }
        }
        return pending;
    }

    /// <summary>
    /// Takes the caches of threads that have exited out of the registry; the caller retires their blocks. Null when
    /// there are none.
    /// </summary>
    public static List<ThreadCache>? TakeExited()
    {
        List<ThreadCache>? exited = null;
        lock (s_registryLock)
        {
            for (int i = s_registry.Count - 1; i >= 0; i--)
            {
                ThreadCache cache = s_registry[i];
                if (cache.Owner.IsAlive)
                    continue;
                (exited ??= new()).Add(cache);
                s_registry[i] = s_registry[^1];
                s_registry.RemoveAt(s_registry.Count - 1);
            }
            s_sweepAt = System.Math.Max(64, s_registry.Count * 2);
        }
        return exited;
    }
}
