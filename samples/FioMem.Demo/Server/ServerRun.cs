// One run of the demo server on one allocator: starts the workers and the writer together, times them, collects the figures.
using System;
using System.Diagnostics;
using System.Threading;
using FioMem.Demo.Allocators;

namespace FioMem.Demo.Server;

/// <summary>
/// A run in progress. The threads are created first and wait on a start signal, so thread creation is not timed;
/// <see cref="CompletedRequests"/> can be polled for progress while <see cref="Wait"/> blocks until the end.
/// </summary>
public sealed class ServerRun
{
    private readonly Thread[] _threads;
    private readonly RunCounters _counters;
    private readonly string _allocator;
    private readonly int _workers;
    private readonly int _gen0, _gen1, _gen2;
    private readonly long _startTimestamp;
    private readonly long[] _endTimestamp;

    private ServerRun(
        string allocator, int workers, long totalRequests, Thread[] threads, RunCounters counters,
        ManualResetEventSlim startSignal, long[] endTimestamp)
    {
        _endTimestamp = endTimestamp;
        _allocator = allocator;
        _workers = workers;
        TotalRequests = totalRequests;
        _threads = threads;
        _counters = counters;
        foreach (Thread thread in threads) thread.Start();
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _startTimestamp = Stopwatch.GetTimestamp();
        startSignal.Set();
    }

    /// <summary>Requests the run handles in all.</summary>
    public long TotalRequests { get; }

    /// <summary>Requests handled so far.</summary>
    public long CompletedRequests => _counters.CompletedRequests;

    /// <summary>Starts <paramref name="workers"/> workers, each handling <paramref name="requestsPerWorker"/> requests, and one writer.</summary>
    public static ServerRun Start<TAlloc>(int workers, long requestsPerWorker) where TAlloc : struct, IDemoAllocator
    {
        var counters = new RunCounters();
        var startSignal = new ManualResetEventSlim(false);
        var rings = new ResponseRing[workers];
        var threads = new Thread[workers + 1];
        for (int w = 0; w < workers; w++)
        {
            rings[w] = new ResponseRing();
            var worker = new RequestWorker<TAlloc>(w, requestsPerWorker, rings[w], counters);
            threads[w] = new Thread(() =>
            {
                startSignal.Wait();
                worker.Run();
            }) { Name = $"{TAlloc.Name} worker {w}", IsBackground = true };
        }

        // The writer stops last (after every worker and every response), so its end is the run's end.
        var writer = new ResponseWriter<TAlloc>(rings, counters);
        var endTimestamp = new long[1];
        threads[workers] = new Thread(() =>
        {
            startSignal.Wait();
            writer.Run();
            Volatile.Write(ref endTimestamp[0], Stopwatch.GetTimestamp());
        }) { Name = $"{TAlloc.Name} response writer", IsBackground = true };

        return new ServerRun(TAlloc.Name, workers, workers * requestsPerWorker, threads, counters, startSignal, endTimestamp);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the run to end; true when it has.</summary>
    public bool Wait(TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        foreach (Thread thread in _threads)
        {
            TimeSpan left = TimeSpan.FromSeconds(Math.Max(0, deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (!thread.Join(left)) return false;
        }

        return true;
    }

    /// <summary>Waits for the end and returns the figures.</summary>
    public RunResult Finish()
    {
        foreach (Thread thread in _threads) thread.Join();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(_startTimestamp, Volatile.Read(ref _endTimestamp[0]));
        return new RunResult(
            _allocator,
            _workers,
            TotalRequests,
            _counters.Allocations,
            elapsed,
            TimeSpan.FromSeconds(_counters.AllocatorTicks / (double)Stopwatch.Frequency),
            _counters.FailedChecks,
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2);
    }
}
