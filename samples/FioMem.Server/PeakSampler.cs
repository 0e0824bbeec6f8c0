// Peaks of the server's memory figures, sampled on a thread of their own: the load test reads them once per case.
using System;
using System.Threading;
using FioMem;

namespace FioMem.Server;

/// <summary>One sample of the server's memory figures.</summary>
/// <param name="PoolRentedBytes">Transport buffers rented and not returned, in bytes: FioMem's pool buffers (4 KiB
/// each under load) or Kestrel's pool, read from its meter.</param>
/// <param name="Connections">Kestrel's open connections.</param>
/// <param name="Gen0Bytes">The GC's generation sizes after its latest collection (<c>GenerationInfo[i].SizeAfterBytes</c>):
/// gen0, gen1, gen2, the large and the pinned object heaps.</param>
internal sealed record MemorySample(long WorkingSetBytes, long GcCommittedBytes, long GcHeapSizeBytes, long FioReservedBytes,
    long FioBlocksInUse, long FioPoolBuffers, long PoolRentedBytes, long Connections,
    long Gen0Bytes, long Gen1Bytes, long Gen2Bytes, long LohBytes, long PohBytes, int GcIndex)
{
    public static readonly MemorySample Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>The highest values seen of the working set, the GC's committed bytes, FioMem's figures and the transport
/// buffers rented; and the whole sample taken when the working set peaked.</summary>
/// <remarks>Each figure peaks on its own, so the peaks need not be from the same moment; <see cref="AtPeak"/> is.</remarks>
internal sealed record PeakFigures(long WorkingSetBytes, long GcCommittedBytes, long GcHeapSizeBytes, long FioReservedBytes,
    long FioBlocksInUse, long FioPoolBuffers, long PoolRentedBytes, long Connections, MemorySample AtPeak)
{
    public static readonly PeakFigures Zero = new(0, 0, 0, 0, 0, 0, 0, 0, MemorySample.Zero);
}

/// <summary>Samples the figures every interval on a background thread and keeps the highest of each.</summary>
internal sealed class PeakSampler
{
    private readonly Lock _lock = new();

    private readonly MeterReadings _meters;

    private PeakFigures _peak = PeakFigures.Zero;

    public PeakSampler(TimeSpan interval, MeterReadings meters)
    {
        _meters = meters;
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
            _peak = PeakFigures.Zero;
            return old;
        }
    }

    /// <summary>The figures now.</summary>
    public MemorySample Now()
    {
        FioMemoryStatistics fio = FioMemory.GetStatistics();
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        ReadOnlySpan<GCGenerationInfo> generations = gc.GenerationInfo;
        long rented = fio.MemoryPoolBuffers > 0 ? fio.MemoryPoolBuffers * FioMemoryPool.DefaultBufferSize : _meters.KestrelPoolRentedBytes;
        return new MemorySample(Environment.WorkingSet, gc.TotalCommittedBytes, gc.HeapSizeBytes, fio.ReservedBytes,
            fio.BlocksInUse, fio.MemoryPoolBuffers, rented, _meters.Connections,
            generations[0].SizeAfterBytes, generations[1].SizeAfterBytes, generations[2].SizeAfterBytes,
            generations[3].SizeAfterBytes, generations[4].SizeAfterBytes, (int)gc.Index);
    }

    private void Sample()
    {
        MemorySample s = Now();
        lock (_lock)
        {
            PeakFigures p = _peak;
            _peak = new(Math.Max(p.WorkingSetBytes, s.WorkingSetBytes), Math.Max(p.GcCommittedBytes, s.GcCommittedBytes),
                Math.Max(p.GcHeapSizeBytes, s.GcHeapSizeBytes), Math.Max(p.FioReservedBytes, s.FioReservedBytes),
                Math.Max(p.FioBlocksInUse, s.FioBlocksInUse), Math.Max(p.FioPoolBuffers, s.FioPoolBuffers),
                Math.Max(p.PoolRentedBytes, s.PoolRentedBytes), Math.Max(p.Connections, s.Connections),
                s.WorkingSetBytes >= p.WorkingSetBytes ? s : p.AtPeak);
        }
    }
}
