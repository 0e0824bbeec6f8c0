// The figures a run's threads add up: requests done, allocations, time inside the allocator, failed checks.
using System.Threading;

namespace FioMem.Demo.Server;

/// <summary>Shared totals of one run. Threads keep their own sums and add them here in few atomic steps.</summary>
public sealed class RunCounters
{
    private long _completedRequests;
    private long _allocations;
    private long _allocatorTicks;
    private long _failedChecks;
    private long _responsesFreed;

    /// <summary>Requests handled so far (updated in steps, for the progress bar).</summary>
    public long CompletedRequests => Volatile.Read(ref _completedRequests);

    /// <summary>Allocations made (each freed once).</summary>
    public long Allocations => Volatile.Read(ref _allocations);

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> ticks spent in allocate and free calls, over all threads.</summary>
    public long AllocatorTicks => Volatile.Read(ref _allocatorTicks);

    /// <summary>Checks that failed: a checksum, a parse, a non-zero byte in fresh memory.</summary>
    public long FailedChecks => Volatile.Read(ref _failedChecks);


    /// <summary>Adds handled requests.</summary>
    public void AddCompleted(long requests) => Interlocked.Add(ref _completedRequests, requests);

    /// <summary>Adds a thread's allocator figures.</summary>
    public void AddAllocatorWork(long allocations, long ticks)
    {
        Interlocked.Add(ref _allocations, allocations);
        Interlocked.Add(ref _allocatorTicks, ticks);
    }

    /// <summary>Responses checked and freed by the worker they were sent to.</summary>
    public long ResponsesFreed => Volatile.Read(ref _responsesFreed);

    /// <summary>Adds responses a worker checked and freed.</summary>
    public void AddResponsesFreed(long responses) => Interlocked.Add(ref _responsesFreed, responses);

    /// <summary>Adds failed checks.</summary>
    public void AddFailures(long failures) => Interlocked.Add(ref _failedChecks, failures);
}
