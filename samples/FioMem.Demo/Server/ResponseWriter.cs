// The response writer thread: takes finished responses from every worker, checks them and frees them (cross-thread frees).
using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using FioMem.Demo.Allocators;

namespace FioMem.Demo.Server;

/// <summary>
/// Drains the workers' <see cref="ResponseRing"/>s, as a server's writer would send responses: each response is checked
/// (magic, length, checksum) and then freed on this thread, not on the worker that allocated it.
/// </summary>
/// <typeparam name="TAlloc">The allocator under test.</typeparam>
public sealed class ResponseWriter<TAlloc> where TAlloc : struct, IDemoAllocator
{
    private const int BatchSize = 64;

    private readonly ResponseRing[] _rings;
    private readonly RunCounters _counters;
    private readonly int _workers;

    /// <summary>A writer for <paramref name="rings"/>, one per worker.</summary>
    public ResponseWriter(ResponseRing[] rings, RunCounters counters)
    {
        _rings = rings;
        _counters = counters;
        _workers = rings.Length;
    }

    /// <summary>Runs until every worker has finished and every ring is empty.</summary>
    public void Run()
    {
        var batch = new DemoBuffer[BatchSize];
        long ticks = 0, failures = 0;
        var spinner = new SpinWait();
        while (true)
        {
            bool workersDone = _counters.FinishedWorkers == _workers;
            bool drained = false;
            foreach (ResponseRing ring in _rings)
            {
                int count = ring.DequeueBatch(batch);
                if (count == 0) continue;
                drained = true;
                for (int i = 0; i < count; i++) failures += Check(batch[i].Span);
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++) TAlloc.Free(batch[i]);
                ticks += Stopwatch.GetTimestamp() - start - TimerOverhead.TicksPerRegion;
                batch.AsSpan(0, count).Clear();
            }

            if (drained)
            {
                spinner.Reset();
                continue;
            }

            // Nothing was left after every worker had finished: all responses are freed.
            if (workersDone) break;
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        // Frees are counted with the allocations that made them; only the time is added here.
        _counters.AddAllocatorWork(0, ticks);
        _counters.AddFailures(failures);
    }

    private static int Check(ReadOnlySpan<byte> response)
    {
        ReadOnlySpan<byte> text = response[RequestWorker<TAlloc>.ResponsePrefix..];
        bool valid = MemoryMarshal.Read<uint>(response[12..]) == RequestWorker<TAlloc>.ResponseMagic
            && MemoryMarshal.Read<int>(response[8..]) == text.Length
            && MemoryMarshal.Read<ulong>(response) == Checksum.Of(text);
        return valid ? 0 : 1;
    }
}
