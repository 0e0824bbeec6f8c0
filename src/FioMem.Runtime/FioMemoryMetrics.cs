// The System.Diagnostics.Metrics meter "FioMem": the statistics, observable live (dotnet-counters, OpenTelemetry).
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

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

    private static readonly Meter s_meter = CreateMeter();

    /// <summary>The meter, created the first time FioMem allocates (or when this property is read).</summary>
    public static Meter Meter => s_meter;

    /// <summary>Makes sure the meter exists; called from the allocator's slow paths.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void EnsureCreated()
    {
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName, typeof(FioMemoryMetrics).Assembly.GetName().Version?.ToString());
        meter.CreateObservableUpDownCounter("fiomem.reserved", () => FioMemory.GetStatistics().ReservedBytes, "By",
            "Bytes FioMem holds from the operating system.");
        meter.CreateObservableUpDownCounter("fiomem.blocks.in_use", () => FioMemory.GetStatistics().BlocksInUse, "{block}",
            "Blocks holding live allocations or being sliced.");
        meter.CreateObservableUpDownCounter("fiomem.blocks.pooled", () => FioMemory.GetStatistics().BlocksPooled, "{block}",
            "Empty blocks kept for reuse.");
        meter.CreateObservableCounter("fiomem.blocks.released", () => FioMemory.GetStatistics().BlocksReleased, "{block}",
            "Blocks returned to the operating system since start-up.");
        meter.CreateObservableUpDownCounter("fiomem.large.allocations", () => FioMemory.GetStatistics().LargeAllocations, "{allocation}",
            "Live large allocations.");
        meter.CreateObservableUpDownCounter("fiomem.large.bytes", () => FioMemory.GetStatistics().LargeBytes, "By",
            "Bytes held by live large allocations.");
        meter.CreateObservableUpDownCounter("fiomem.long_lived.allocations", () => FioMemory.GetStatistics().LongLivedAllocations, "{allocation}",
            "Live long-lived allocations.");
        meter.CreateObservableUpDownCounter("fiomem.thread_caches", () => (long)FioMemory.GetStatistics().ThreadCaches, "{thread}",
            "Threads that own a block to slice.");
        return meter;
    }

    /// <summary>The names of the instruments, in the order they are created.</summary>
    internal static IReadOnlyList<string> InstrumentNames { get; } =
    [
        "fiomem.reserved", "fiomem.blocks.in_use", "fiomem.blocks.pooled", "fiomem.blocks.released",
        "fiomem.large.allocations", "fiomem.large.bytes", "fiomem.long_lived.allocations", "fiomem.thread_caches",
    ];
}
