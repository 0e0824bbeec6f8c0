// Memory that goes back by itself: pooled blocks unused for FioMem.TrimDelay, and all of them under memory pressure.
using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

/// <summary>
/// Decides when <see cref="BlockPool.TrimIdle"/> runs, so pooled blocks go back to the operating system without an
/// explicit <see cref="FioMemory.Trim"/>: a block that stayed in the pool for <see cref="FioMemoryOptions.TrimDelayMilliseconds"/>
/// is released, and a gen-2 collection that finds the machine's memory load high releases every pooled block. Each
/// run first takes back the blocks of threads that exited (a thread's exit arms the timer), which would otherwise stay
/// in use until a <see cref="FioMemory.Trim"/>.
/// </summary>
/// <remarks>
/// <para>The delay is kept by one one-shot <see cref="Timer"/>: armed when a block enters the pool while it is not
/// armed, and on each expiry re-armed for the oldest block still pooled, or left unarmed when the pool is empty. A
/// process whose pool is empty has no timer pending and no thread working for it. The allocation paths do not see
/// any of this: blocks are pooled and taken on the refill path, once per block's worth of allocations.</para>
/// <para>The memory-pressure trim rides on the collector, as <c>ArrayPool&lt;T&gt;.Shared</c> does: an object with a
/// finalizer that puts itself back on the finalization queue is finalized after every collection that reaches it,
/// which once it has aged into generation 2 means every gen-2 collection.</para>
/// </remarks>
internal static class IdleTrim
{
    /// <summary>The memory load, as a fraction of the collector's high-load threshold, at which every pooled block goes.</summary>
    private const double HighPressure = 0.90;

    /// <summary>Guards the timer's state; never held while blocks are released.</summary>
    private static readonly Lock s_lock = new();

    /// <summary>Created with the first pooled block. Guarded by <see cref="s_lock"/>.</summary>
    private static Timer? s_timer;

    /// <summary>Whether the timer is pending; read without the lock on the pooling path.</summary>
    private static volatile bool s_armed;

    /// <summary>When the pending timer fires (<see cref="Environment.TickCount64"/>). Guarded by <see cref="s_lock"/>.</summary>
    private static long s_dueAt;

    /// <summary>How many times the gen-2 callback ran.</summary>
    private static long s_gen2Callbacks;

    /// <summary>The delay, or 0 when automatic trimming is off.</summary>
    public static int DelayMilliseconds => FioMemoryOptions.TrimDelayMilliseconds;

    /// <summary>Whether a trim is pending: false whenever the pool has been found empty.</summary>
    public static bool IsArmed => s_armed;

    /// <summary>How many times the collector has called back (for tests and diagnostics).</summary>
    public static long Gen2Callbacks => Volatile.Read(ref s_gen2Callbacks);

    /// <summary>Called by <see cref="BlockPool.Return"/> after it pooled a block, outside its lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OnBlockPooled()
    {
        if (FioMemoryOptions.TrimDelayMilliseconds > 0 && !s_armed)
            Arm(FioMemoryOptions.TrimDelayMilliseconds);
    }

    /// <summary>
    /// A thread that had a cache has exited (called from a finalizer): the idle trim takes its block back after the
    /// delay, even when nothing is pooled.
    /// </summary>
    public static void OnThreadExited() => OnBlockPooled();

    /// <summary>Makes sure a trim runs within <paramref name="dueMilliseconds"/>; an earlier pending one is kept.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Arm(long dueMilliseconds)
    {
        long dueAt = Environment.TickCount64 + dueMilliseconds;
        lock (s_lock)
        {
            if (s_armed && s_dueAt <= dueAt)
                return;
            if (s_timer is null)
            {
                // Not tied to whatever execution context pooled the first block.
                using (ExecutionContext.SuppressFlow())
                    s_timer = new Timer(static _ => OnTimer(), null, Timeout.Infinite, Timeout.Infinite);
                Gen2Callback.Start();
            }
            s_dueAt = dueAt;
            s_armed = true;
            s_timer.Change(dueMilliseconds, Timeout.Infinite);
        }
    }

    private static void OnTimer()
    {
        // Unarmed before the pool is read: a block pooled from here on arms the timer again itself, and one pooled
        // before is seen by the trim below.
        lock (s_lock)
            s_armed = false;
        // The blocks of threads that exited first: the empty ones join the pool now and leave it a delay later.
        SweepExitedThreads();
        int delay = FioMemoryOptions.TrimDelayMilliseconds;
        long now = Environment.TickCount64;
        BlockPool.TrimIdle(now - delay, out long oldestKept);
        if (oldestKept != long.MaxValue)
        {
            // A quarter of the delay at least between expiries, however the blocks' ages are spread.
            Arm(Math.Max(oldestKept + delay - now, Math.Max(1, delay / 4)));
        }
    }

    /// <summary>A gen-2 collection happened: release idle blocks, or every pooled block when memory is short.</summary>
    internal static void OnGen2Collection()
    {
        Interlocked.Increment(ref s_gen2Callbacks);
        SweepExitedThreads();
        if (BlockPool.Count == 0)
            return;
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        bool high = info.HighMemoryLoadThresholdBytes > 0 && info.MemoryLoadBytes >= info.HighMemoryLoadThresholdBytes * HighPressure;
        TrimPooled(high);
    }

    /// <summary>
    /// Takes back the blocks of threads that exited, then releases the pooled blocks idle for the delay, or all of
    /// them when <paramref name="all"/>.
    /// </summary>
    /// <returns>How many blocks went back to the operating system.</returns>
    internal static int TrimNow(bool all)
    {
        SweepExitedThreads();
        return TrimPooled(all);
    }

    // Releases the pooled blocks idle for the delay, or all of them when all.
    private static int TrimPooled(bool all) =>
        BlockPool.TrimIdle(all ? long.MaxValue : Environment.TickCount64 - FioMemoryOptions.TrimDelayMilliseconds, out _);

    /// <summary>
    /// Retires the blocks of threads that exited. Nobody called for it, so misuse found in one of them (a block with more
    /// frees than allocations; in checked mode, a write after free) is kept for the next call that sweeps on a caller's
    /// behalf (<c>Trim()</c>, a new thread's first allocation) rather than thrown on a timer or finalizer thread.
    /// </summary>
    private static void SweepExitedThreads()
    {
        try
        {
            Allocator.SweepExitedThreads();
        }
        catch (InvalidOperationException e)
        {
            Allocator.DeferReport(e);
        }
    }

    /// <summary>Finalized after every collection that reaches it; each time it calls <see cref="OnGen2Collection"/> and re-registers.</summary>
    private sealed class Gen2Callback
    {
        public static void Start() => _ = new Gen2Callback();

        ~Gen2Callback()
        {
            if (Environment.HasShutdownStarted)
                return;
            // Young collections reach it only until it has aged into generation 2.
            if (GC.GetGeneration(this) == GC.MaxGeneration)
            {
                try
                {
                    OnGen2Collection();
                }
                catch (Exception)
                {
                    // An exception on the finalizer thread ends the process; a trim that failed is retried at the next collection.
                }
            }
            GC.ReRegisterForFinalize(this);
        }
    }
}
