// Returned 4 KiB pipe segments kept for the next rental, so a server's buffers are reused one by one; the ones that
// stay unused go back to FioMem a second later.
using System;
using System.Threading;

namespace FioMem;

/// <summary>
/// The returned buffers of <see cref="FioMemoryPool.DefaultBufferSize"/> bytes (the segments of Pipelines and Kestrel),
/// kept for the next rental of that size instead of being freed.
/// </summary>
/// <remarks>
/// <para>Why: FioMem takes a block back only once every slice of it is free. A server's segments are sliced from a
/// block one after another for different connections and returned whenever each connection is done with them, so
/// under load a block is held by its last live segment: with 2,000 connections holding about 130 MiB of segments, the
/// blocks they pinned came to about 260 MiB. Reusing a returned segment for the next rental fills that hole instead
/// of slicing a new block, so the blocks held stay close to the segments in use, as with a pool of separate 4 KiB
/// arrays (Kestrel's).</para>
/// <para>What stays: each <see cref="EvictionInterval"/> (at most FioMem's trim delay), the segments that sat in the
/// cache through the whole interval (its low-water mark) are freed, the oldest first; an idle server's cache is
/// empty after two intervals, and its blocks then leave with FioMem's idle trim. The timer runs only while the cache
/// holds something.</para>
/// <para>A rental from the cache is cleared before it is handed out: FioMemoryPool's buffers are zeroed. Only the pool
/// FioMem's socket transport gives its pipes skips that (<see cref="FioMemoryPool.CreateUncleared"/>): a pipe hands
/// out no byte it has not written. Checked mode keeps nothing, so a use after return is caught as it is for any
/// FioMem allocation.</para>
/// <para>One short lock guards the stack: a rental or return takes it once, and it is never held while memory is
/// cleared or freed.</para>
/// </remarks>
internal static unsafe class SegmentCache
{
    /// <summary>The size of the buffers kept.</summary>
    public const int SegmentSize = FioMemoryPool.DefaultBufferSize;

    /// <summary>The longest a segment unused for a whole interval stays cached: one second, or the trim delay when shorter.</summary>
    public static readonly int EvictionInterval = FioMemoryOptions.TrimDelayMilliseconds is > 0 and < 1000
        ? FioMemoryOptions.TrimDelayMilliseconds : 1000;

    /// <summary>Guards everything below except <see cref="s_evicting"/>.</summary>
    private static readonly Lock s_lock = new();

    /// <summary>The cached segments' addresses, the most recently returned on top (at <c>s_count - 1</c>).</summary>
    private static nint[] s_segments = new nint[256];

    /// <summary>How many segments are cached.</summary>
    private static int s_count;

    /// <summary>The fewest segments cached at any moment since the last eviction: that many were not needed.</summary>
    private static int s_lowWater;

    /// <summary>Whether a rental took a segment since the last eviction.</summary>
    private static bool s_taken;

    /// <summary>Whether the eviction timer is pending.</summary>
    private static bool s_armed;

    /// <summary>Created with the first cached segment.</summary>
    private static Timer? s_timer;

    /// <summary>
    /// Serialises evictions (the timer's and <see cref="Clear"/>), which share <see cref="s_evicting"/>; it also makes
    /// <see cref="Clear"/> return only once an eviction the timer started has freed its segments.
    /// </summary>
    private static readonly Lock s_evictionLock = new();

    /// <summary>Where an eviction copies the addresses it frees outside <see cref="s_lock"/>. Guarded by <see cref="s_evictionLock"/>.</summary>
    private static nint[] s_evicting = [];

    /// <summary>Segments freed by evictions since start-up.</summary>
    private static long s_evicted;

    /// <summary>How many segments are cached now.</summary>
    public static int Count
    {
        get
        {
            lock (s_lock)
                return s_count;
        }
    }

    /// <summary>Segments evicted (freed to FioMem) since start-up.</summary>
    public static long Evicted => Volatile.Read(ref s_evicted);

    /// <summary>Whether buffers of <paramref name="length"/> bytes go through the cache: segments, outside checked mode.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Holds(int length) => length == SegmentSize && !FioMemoryOptions.Checked;

    /// <summary>A cached segment, cleared unless <paramref name="clear"/> is false; null when the cache is empty.</summary>
    public static void* TryTake(bool clear = true)
    {
        nint p;
        lock (s_lock)
        {
            int count = s_count - 1;
            if (count < 0)
                return null;
            p = s_segments[count];
            s_count = count;
            s_taken = true;
            if (count < s_lowWater)
                s_lowWater = count;
        }
        if (clear)
            new Span<byte>((void*)p, SegmentSize).Clear();
        return (void*)p;
    }

    /// <summary>Keeps the segment at <paramref name="p"/> (of <see cref="SegmentSize"/> bytes) for a later rental.</summary>
    public static void Keep(void* p)
    {
        lock (s_lock)
        {
            if (s_count == s_segments.Length)
                Array.Resize(ref s_segments, s_segments.Length * 2);
            s_segments[s_count++] = (nint)p;
            if (!s_armed)
                Arm();
        }
    }

    /// <summary>Frees every cached segment now.</summary>
    /// <returns>How many were freed.</returns>
    public static int Clear()
    {
        lock (s_lock)
            s_lowWater = s_count;
        return Evict();
    }

    /// <summary>Starts the eviction timer. Called under <see cref="s_lock"/>.</summary>
    private static void Arm()
    {
        if (s_timer is null)
        {
            // Not tied to whatever execution context returned the first segment.
            using (ExecutionContext.SuppressFlow())
                s_timer = new Timer(static _ => OnTimer(), null, Timeout.Infinite, Timeout.Infinite);
        }
        s_armed = true;
        s_lowWater = s_count;
        s_timer.Change(EvictionInterval, EvictionInterval);
    }

    private static void OnTimer()
    {
        lock (s_lock)
        {
            // Idle through the interval: everything goes. Busy: an eighth of what was not needed, so a cache sized by
            // a burst shrinks over some seconds without leaving holes in blocks that the next burst must replace.
            if (s_taken)
                s_lowWater /= 8;
            s_taken = false;
        }
        Evict();
        lock (s_lock)
        {
            s_lowWater = s_count;
            if (s_count == 0 && s_armed)
            {
                s_armed = false;
                s_timer!.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }
    }

    /// <summary>Frees the <see cref="s_lowWater"/> oldest segments: those no rental needed since the last eviction.</summary>
    private static int Evict()
    {
        lock (s_evictionLock)
        {
            int n;
            lock (s_lock)
            {
                n = Math.Min(s_lowWater, s_count);
                if (n == 0)
                    return 0;
                if (s_evicting.Length < n)
                    s_evicting = new nint[Math.Max(n, s_segments.Length)];
                // The oldest are at the bottom.
                Array.Copy(s_segments, 0, s_evicting, 0, n);
                Array.Copy(s_segments, n, s_segments, 0, s_count - n);
                s_count -= n;
                s_lowWater = 0;
            }
            for (int i = 0; i < n; i++)
                FioMemory.Free((void*)s_evicting[i]);
            Interlocked.Add(ref s_evicted, n);
            return n;
        }
    }
}
