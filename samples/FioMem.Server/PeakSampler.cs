// Peaks of the server's memory figures, sampled on a thread of their own: the load test reads them once per case.
using System;
using System.Threading;
using FioMem;

namespace FioMem.Server;

/// <summary>The highest values seen of the working set, the GC's committed bytes and FioMem's figures.</summary>
/// <remarks>Each figure peaks on its own, so the peaks need not be from the same moment.</remarks>
internal sealed record PeakFigures(long WorkingSetBytes, long GcCommittedBytes, long GcHeapSizeBytes, long FioReservedBytes,
    long FioBlocksInUse, long FioPoolBuffers);

/// <summary>Samples the figures every interval on a background thread and keeps the highest of each.</summary>
internal sealed class PeakSampler
{
    private readonly Lock _lock = new();

    private PeakFigures _peak = new(0, 0, 0, 0, 0, 0);

    public PeakSampler(TimeSpan interval)
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(interval);
                Sample();
            }
        })
        { IsBackground = true, Name = "Peak sampler" };
        thread.Start();
    }

    public PeakFigures Read()
    {
        lock (_lock)
            return _peak;
    }

    /// <summary>Starts over from the current figures; returns the peaks until now.</summary>
    public PeakFigures Reset()
    {
        lock (_lock)
        {
            PeakFigures old = _peak;
            _peak = new(0, 0, 0, 0, 0, 0);
            return old;
        }
    }

    private void Sample()
    {
        FioMemoryStatistics fio = FioMemory.GetStatistics();
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        long workingSet = Environment.WorkingSet;
        lock (_lock)
        {
            PeakFigures p = _peak;
            _peak = new(Math.Max(p.WorkingSetBytes, workingSet), Math.Max(p.GcCommittedBytes, gc.TotalCommittedBytes),
                Math.Max(p.GcHeapSizeBytes, gc.HeapSizeBytes), Math.Max(p.FioReservedBytes, fio.ReservedBytes),
                Math.Max(p.FioBlocksInUse, fio.BlocksInUse), Math.Max(p.FioPoolBuffers, fio.MemoryPoolBuffers));
        }
    }
}
