// The cost of reading the clock twice, measured once and taken off every timed region so it is not billed to the allocator.
using System;
using System.Diagnostics;

namespace FioMem.Demo.Server;

/// <summary>Calibrates <see cref="Stopwatch.GetTimestamp"/>'s own cost.</summary>
public static class TimerOverhead
{
    /// <summary>Ticks that an empty timed region measures (the minimum over many tries: the clock's floor).</summary>
    public static long TicksPerRegion { get; } = Measure();

    private static long Measure()
    {
        long best = long.MaxValue;
        for (int i = 0; i < 100_000; i++)
        {
            long start = Stopwatch.GetTimestamp();
            long end = Stopwatch.GetTimestamp();
            best = Math.Min(best, end - start);
        }

        return best;
    }
}
