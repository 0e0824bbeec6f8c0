// The demo's server handles every request on every allocator with all checks passing, and its checks do catch overlap.
using System;
using FioMem.Demo;
using FioMem.Demo.Allocators;
using FioMem.Demo.Server;
using Xunit;

namespace FioMem.Workloads.Tests;

public class DemoWorkloadTests
{
    [Fact]
    public void FioMemRunHandlesEveryRequestAndVerifiesEveryBuffer() => AssertCleanRun(ServerRun.Start<FioMemDemoAllocator>(2, 300));

    [Fact]
    public void NativeMemoryRunHandlesEveryRequestAndVerifiesEveryBuffer() => AssertCleanRun(ServerRun.Start<NativeZeroedDemoAllocator>(2, 300));

    [Fact]
    public void GcRunHandlesEveryRequestAndVerifiesEveryBuffer() => AssertCleanRun(ServerRun.Start<GcDemoAllocator>(2, 300));

    [Fact]
    public void HeapPerRequestRunHandlesEveryRequestAndVerifiesEveryBuffer() => AssertCleanRun(ServerRun.Start<FioHeapDemoAllocator>(2, 300));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ResponsesCircleThroughAnyNumberOfWorkers(int workers)
    {
        // One worker frees its own responses; three pass them round a circle. Either way every response is checked and freed.
        RunResult result = ServerRun.Start<FioMemDemoAllocator>(workers, 300).Finish();

        Assert.Equal(300 * workers, result.Requests);
        Assert.Equal(0, result.FailedChecks);
        Assert.True(result.Allocations >= 300 * workers * 6, $"{result.Allocations} allocations");
    }

    [Fact]
    public void AnAllocatorThatHandsOutOverlappingBuffersFailsTheChecks()
    {
        RunResult result = ServerRun.Start<OverlappingAllocator>(1, 50).Finish();

        Assert.True(result.FailedChecks > 0);
    }

    [Fact]
    public void RoundsShareTheRequestsWithoutLosingAny()
    {
        foreach (long requests in new long[] { 1, 4, 5, 300_001 })
        {
            long sum = 0;
            for (int round = 0; round < Program.Rounds; round++)
            {
                long share = Program.RoundShare(requests, round);
                Assert.True(share >= 0);
                sum += share;
            }
            Assert.Equal(requests, sum);
        }
    }

    [Fact]
    public void RoundsOfOneAllocatorAddUpAndRoundsOfDifferentOnesDoNot()
    {
        // Fixed figures, not measured ones: this checks the arithmetic of adding rounds, not anyone's speed.
        var first = new RunResult("FioMem", 2, 200, 2_100, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(4), 0, 1, 0, 0);
        var second = new RunResult("FioMem", 2, 100, 1_050, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(2), 1, 2, 1, 0);

        RunResult both = first.Plus(second);

        Assert.Equal(300, both.Requests);
        Assert.Equal(first.Allocations + second.Allocations, both.Allocations);
        Assert.Equal(first.Elapsed + second.Elapsed, both.Elapsed);
        Assert.Equal(first.AllocatorTime + second.AllocatorTime, both.AllocatorTime);
        Assert.Equal(1, both.FailedChecks);
        Assert.Equal((3, 1, 0), (both.Gen0Collections, both.Gen1Collections, both.Gen2Collections));
        Assert.Throws<ArgumentException>(() => first.Plus(first with { Allocator = "GC new byte[]" }));
        Assert.Throws<ArgumentException>(() => first.Plus(first with { Workers = 3 }));
    }

    [Fact]
    public void WarmUpRepeatsUntilAPassCompilesNothingNew()
    {
        // A fake JIT count: the first three passes compile methods, then nothing more.
        long compiled = 0;
        int passes = 0;
        int settles = 0;

        int run = JitWarmUp.Run(() => { if (++passes <= 3) compiled += 10; }, () => compiled, () => settles++, maxPasses: 12);

        Assert.Equal(4, run);
        Assert.Equal(4, passes);
        Assert.Equal(4, settles);
    }

    [Fact]
    public void WarmUpRunsTwoPassesEvenWhenTheFirstCompilesNothingAndStopsAtItsLimit()
    {
        int quiet = 0, busy = 0;
        long count = 0;

        Assert.Equal(2, JitWarmUp.Run(() => quiet++, () => 0, () => { }, maxPasses: 12));
        Assert.Equal(5, JitWarmUp.Run(() => busy++, () => ++count, () => { }, maxPasses: 5));
        Assert.Equal((2, 5), (quiet, busy));
        Assert.Throws<ArgumentOutOfRangeException>(() => JitWarmUp.Run(() => { }, () => 0, () => { }, maxPasses: 0));
    }

    [Fact]
    public void OptionsDefaultToOneWorkerPerCoreAndAChartUnderArtifacts()
    {
        DemoOptions options = DemoOptions.Parse([], out string? error)!;

        Assert.Null(error);
        Assert.Equal(Environment.ProcessorCount, options.Workers);
        Assert.EndsWith(System.IO.Path.Combine("artifacts", "demo-throughput.png"), options.ChartPath);
        Assert.True(System.IO.Path.IsPathFullyQualified(options.ChartPath));
    }

    [Fact]
    public void OptionsRejectAnUnknownFlag()
    {
        Assert.Null(DemoOptions.Parse(["--fast"], out string? error));
        Assert.Contains("--fast", error);
    }

    private static void AssertCleanRun(ServerRun run)
    {
        RunResult result = run.Finish();

        Assert.Equal(600, result.Requests);
        Assert.Equal(0, result.FailedChecks);
        // At least the header struct, four header lines and the response per request.
        Assert.True(result.Allocations >= 600 * 6, $"{result.Allocations} allocations");
    }

    /// <summary>A broken allocator: every allocation of the same size shares one buffer, as if two live slices overlapped.</summary>
    private readonly unsafe struct OverlappingAllocator : IDemoAllocator
    {
        [ThreadStatic]
        private static byte[]? t_shared;

        public static string Name => "overlapping";

        public static DemoBuffer Allocate(int length)
        {
            t_shared ??= GC.AllocateArray<byte>(1 << 16, pinned: true);
            Array.Clear(t_shared, 0, length);
            fixed (byte* p = t_shared) return new DemoBuffer(p, length);
        }

        public static DemoBuffer AllocateHeader() => Allocate(sizeof(FioMem.Demo.Server.RequestHeader));

        public static void Free(DemoBuffer buffer)
        {
        }

        public static DemoBuffer AllocateForRequest(RequestMemory memory, int length) => Allocate(length);

        public static DemoBuffer AllocateHeaderForRequest(RequestMemory memory) => AllocateHeader();

        public static void EndRequest(RequestMemory memory, DemoBuffer header, ReadOnlySpan<DemoBuffer> lines, ReadOnlySpan<DemoBuffer> chunks)
        {
        }
    }
}
