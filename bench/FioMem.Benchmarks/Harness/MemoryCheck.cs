// The memory check (`-- memory`): runs every workload on FioMem, frees everything, trims, and prints what stays reserved.
using System;
using FioMem.Benchmarks.Allocators;
using FioMem.Benchmarks.Workloads;

namespace FioMem.Benchmarks.Harness;

/// <summary>
/// Checks the memory target: after the workloads, with every allocation freed and the worker threads gone,
/// <see cref="FioMemory.Trim"/> must bring reserved bytes down to what is still live, which is at most the current
/// block of each thread that still has one.
/// </summary>
public static unsafe class MemoryCheck
{
    /// <summary>Runs the check; returns the process exit code (0 when the target holds).</summary>
    public static int Run()
    {
        Console.WriteLine($"FioMem memory check (block size {FioMemory.BlockSize} bytes)");
        Print("at start", FioMemory.GetStatistics());

        RunSeedRound();
        foreach (int threads in new[] { 1, 2, 4, 8 }) RunLocal(threads);
        foreach (int threads in new[] { 2, 4 }) RunCrossThread(threads);
        foreach (int size in new[] { 16, 32, 64 }) TinyBenchmarks.RunPairs<FioMemAllocator>((nuint)size);

        FioMemoryStatistics before = FioMemory.GetStatistics();
        Print("after the workloads, all freed", before);
        FioMemory.Trim();
        FioMemoryStatistics after = FioMemory.GetStatistics();
        Print("after Trim()", after);

        // Nothing is live: what may stay is the current block of threads that still slice one, plus large and long-lived bytes.
        long allowed = (long)after.ThreadCaches * FioMemory.BlockSize + after.LargeBytes + after.LongLivedBytes;
        bool holds = after.ReservedBytes <= allowed;
        Console.WriteLine(holds
            ? $"memory target met: {after.ReservedBytes:N0} reserved bytes after Trim() (allowed {allowed:N0})"
            : $"memory target MISSED: {after.ReservedBytes:N0} reserved bytes after Trim(), more than the {allowed:N0} live allocations need");
        return holds ? 0 : 1;
    }

    private static void RunSeedRound()
    {
        using var gang = new WorkerGang(SeedRoundBenchmarks.Threads, "memory seed");
        var tables = new PointerTable[gang.Workers];
        for (int i = 0; i < tables.Length; i++) tables[i] = new PointerTable(SeedRoundBenchmarks.PhaseLength);
        gang.Run(worker => SeedRoundBenchmarks.RunAllRounds<FioMemAllocator>(tables[worker].Items));
        foreach (PointerTable table in tables) table.Dispose();
    }

    private static void RunLocal(int threads)
    {
        nuint[] sizes = RandomSizes.Uniform(LocalBenchmarks.RoundSize, LocalBenchmarks.MinSize, LocalBenchmarks.MaxSize);
        using var gang = new WorkerGang(threads, "memory local");
        var tables = new PointerTable[threads];
        for (int i = 0; i < threads; i++) tables[i] = new PointerTable(LocalBenchmarks.RoundSize);
        gang.Run(worker => LocalBenchmarks.RunRounds<FioMemAllocator>(tables[worker].Items, sizes, LocalBenchmarks.TotalRounds / threads));
        foreach (PointerTable table in tables) table.Dispose();
    }

    private static void RunCrossThread(int threads)
    {
        nuint[] sizes = RandomSizes.Uniform(LocalBenchmarks.RoundSize, LocalBenchmarks.MinSize, LocalBenchmarks.MaxSize);
        int pairs = threads / 2;
        using var gang = new WorkerGang(threads, "memory cross-thread");
        var handoffs = new RoundHandoff[pairs];
        for (int i = 0; i < pairs; i++) handoffs[i] = new RoundHandoff(CrossThreadBenchmarks.HandoffDepth, LocalBenchmarks.RoundSize);
        gang.Run(worker => CrossThreadBenchmarks.RunPairMember<FioMemAllocator>(worker, handoffs, sizes, CrossThreadBenchmarks.TotalRounds / pairs));
        foreach (RoundHandoff handoff in handoffs) handoff.Dispose();
    }

    private static void Print(string when, FioMemoryStatistics s) =>
        Console.WriteLine(
            $"  {when,-32} reserved {s.ReservedBytes,14:N0} B | blocks in use {s.BlocksInUse,5} | pooled {s.BlocksPooled,5} | " +
            $"released {s.BlocksReleased,6} | large {s.LargeAllocations} ({s.LargeBytes:N0} B) | thread caches {s.ThreadCaches}");
}
