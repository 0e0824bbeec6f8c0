// One run of the demo server on one allocator: starts the workers together, times them, collects the figures.
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
    private readonly long[] _endTimestamps;

    private ServerRun(
        string allocator, int workers, long totalRequests, Thread[] threads, RunCounters counters,
        ManualResetEventSlim startSignal, long[] endTimestamps)
    {
        _endTimestamps = endTimestamps;
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

    /// <summary>
    /// Starts <paramref name="workers"/> workers, each handling <paramref name="requestsPerWorker"/> requests and
    /// sending its responses to the next worker in a circle, which checks and frees them.
    /// </summary>
    public static ServerRun Start<TAlloc>(int workers, long requestsPerWorker) where TAlloc : struct, IDemoAllocator
    {
        var counters = new RunCounters();
        var startSignal = new ManualResetEventSlim(false);
        var rings = new ResponseRing[workers];
        for (int w = 0; w < workers; w++) rings[w] = new ResponseRing();
        var threads = new Thread[workers];
        var endTimestamps = new long[workers];
        for (int w = 0; w < workers; w++)
        {
            // Worker w sends to ring w, which worker w + 1 empties; worker w empties ring w - 1.
            var worker = new RequestWorker<TAlloc>(w, requestsPerWorker, rings[w], rings[(w + workers - 1) % workers], counters);
            int index = w;
            threads[w] = new Thread(() =>
            {
                startSignal.Wait();
                worker.Run();
                Volatile.Write(ref endTimestamps[index], Stopwatch.GetTimestamp());
            }) { Name = $"{TAlloc.Name} worker {w}", IsBackground = true };
        }

        return new ServerRun(TAlloc.Name, workers, workers * requestsPerWorker, threads, counters, startSignal, endTimestamps);
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
        // The run ends when its last worker has freed the last response sent to it.
        long end = 0;
        for (int w = 0; w < _endTimestamps.Length; w++) end = Math.Max(end, Volatile.Read(ref _endTimestamps[w]));
        TimeSpan elapsed = Stopwatch.GetElapsedTime(_startTimestamp, end);
        return new RunResult(
            _allocator,
            _workers,
            TotalRequests,
            _counters.Allocations,
            elapsed,
            TimeSpan.FromSeconds(_counters.AllocatorTicks / (double)Stopwatch.Frequency),
            // A response that never reached the worker meant to free it counts as a failed check.
            _counters.FailedChecks + Math.Abs(TotalRequests - _counters.ResponsesFreed),
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2);
    }
}
