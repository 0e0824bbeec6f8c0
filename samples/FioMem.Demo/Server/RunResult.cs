// What one run of the demo server measured.
using System;

namespace FioMem.Demo.Server;

/// <summary>The figures of one run on one allocator.</summary>
/// <param name="Allocator">The allocator's name.</param>
/// <param name="Workers">Worker threads (each also frees the responses of the one before it).</param>
/// <param name="Requests">Requests handled.</param>
/// <param name="Allocations">Allocations made and freed.</param>
/// <param name="Elapsed">Wall time from the start signal to the last free.</param>
/// <param name="AllocatorTime">Time inside allocate and free calls, summed over all threads.</param>
/// <param name="FailedChecks">Failed checksum, parse or zero checks, and responses not freed (0 when every buffer verified).</param>
/// <param name="Gen0Collections">GC generation-0 collections during the run.</param>
/// <param name="Gen1Collections">GC generation-1 collections during the run.</param>
/// <param name="Gen2Collections">GC generation-2 collections during the run.</param>
public sealed record RunResult(
    string Allocator,
    int Workers,
    long Requests,
    long Allocations,
    TimeSpan Elapsed,
    TimeSpan AllocatorTime,
    long FailedChecks,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections)
{
    /// <summary>Requests per second of wall time.</summary>
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>
    /// This run and <paramref name="other"/>, a later round on the same allocator, as one: counts, times and
    /// collections add up, so the rates are those of all the rounds together.
    /// </summary>
    /// <exception cref="ArgumentException">The runs are of different allocators or worker counts.</exception>
    public RunResult Plus(RunResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Allocator != Allocator || other.Workers != Workers)
            throw new ArgumentException($"cannot add a run of {other.Allocator} ({other.Workers} workers) to one of {Allocator} ({Workers} workers)", nameof(other));
        return new RunResult(
            Allocator,
            Workers,
            Requests + other.Requests,
            Allocations + other.Allocations,
            Elapsed + other.Elapsed,
            AllocatorTime + other.AllocatorTime,
            FailedChecks + other.FailedChecks,
            Gen0Collections + other.Gen0Collections,
            Gen1Collections + other.Gen1Collections,
            Gen2Collections + other.Gen2Collections);
    }

    /// <summary>Nanoseconds inside the allocator per allocation and its free.</summary>
    public double NanosecondsPerAllocation => AllocatorTime.TotalNanoseconds / Allocations;
}
