// The System.Diagnostics.Metrics meter "FioMem": the statistics, observable live (dotnet-counters, OpenTelemetry).
using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

/// <summary>
/// Publishes <see cref="FioMemoryStatistics"/> as observable instruments on the meter <see cref="MeterName"/>
/// (<c>dotnet-counters monitor --counters FioMem</c>). Instruments are read only when a listener collects them,
/// so they cost nothing on the allocation paths.
/// </summary>
public static class FioMemoryMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "FioMem";

    /// <summary>Every instrument: its name, unit, description, whether it only grows, and the figure it reads.</summary>
    private static readonly (string Name, string Unit, string Description, bool Monotonic, Func<FioMemoryStatistics, long> Read)[] s_instruments =
    [
        ("fiomem.reserved", "By", "Bytes FioMem holds from the operating system.", false, s => s.ReservedBytes),
        ("fiomem.blocks.in_use", "{block}", "Blocks holding live allocations or being sliced.", false, s => s.BlocksInUse),
        ("fiomem.blocks.pooled", "{block}", "Empty blocks kept for reuse.", false, s => s.BlocksPooled),
        ("fiomem.blocks.released", "{block}", "Blocks returned to the operating system since start-up.", true, s => s.BlocksReleased),
        ("fiomem.large.allocations", "{allocation}", "Live large allocations.", false, s => s.LargeAllocations),
        ("fiomem.large.bytes", "By", "Bytes held by live large allocations.", false, s => s.LargeBytes),
        ("fiomem.long_lived.allocations", "{allocation}", "Live long-lived allocations.", false, s => s.LongLivedAllocations),
        ("fiomem.blocks.trimmed", "{block}", "Pooled blocks returned to the operating system by the automatic trims since start-up.", true, s => s.BlocksTrimmed),
        ("fiomem.memory_pool.rentals", "{buffer}", "Buffers rented from FioMemoryPool since start-up.", true, s => s.MemoryPoolRentals),
        ("fiomem.memory_pool.buffers", "{buffer}", "Buffers rented from FioMemoryPool and not returned.", false, s => s.MemoryPoolBuffers),
        ("fiomem.native_memory.handoffs", "{call}", "Releases and reallocations of memory FioMem did not allocate, handed to NativeMemory since start-up.", true, s => s.NativeMemoryHandoffs),
        ("fiomem.thread_caches", "{thread}", "Threads that own a block to slice.", false, s => s.ThreadCaches),
    ];

    /// <summary>The meter once created; null before. Created once, explicitly: a static initialiser alone would run
    /// only when something reads it, which nothing on the allocation paths does.</summary>
    private static Meter? s_meter;

    /// <summary>The meter, created the first time FioMem allocates (or when this property is read).</summary>
    public static Meter Meter => s_meter ?? CreateOnce();

    /// <summary>The names of the instruments, in the order they are created.</summary>
    internal static IReadOnlyList<string> InstrumentNames { get; } = s_instruments.Select(i => i.Name).ToArray();

    /// <summary>Makes sure the meter exists; called from the allocator's slow paths.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void EnsureCreated()
    {
        if (Volatile.Read(ref s_meter) is null)
            CreateOnce();
    }

    private static readonly Lock s_createLock = new();

    /// <summary>Creates the meter unless another thread did: one meter named <see cref="MeterName"/> is ever published.</summary>
    private static Meter CreateOnce()
    {
        lock (s_createLock)
        {
            if (s_meter is { } existing)
                return existing;
            Meter meter = CreateMeter();
            Volatile.Write(ref s_meter, meter);
            return meter;
        }
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName, typeof(FioMemoryMetrics).Assembly.GetName().Version?.ToString());
        foreach (var (name, unit, description, monotonic, read) in s_instruments)
        {
            Func<long> observe = () => read(FioMemory.GetStatistics());
            if (monotonic)
                meter.CreateObservableCounter(name, observe, unit, description);
            else
                meter.CreateObservableUpDownCounter(name, observe, unit, description);
        }
        return meter;
    }
}
