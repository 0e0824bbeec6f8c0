// The benchmark harness: the worker gang, the producer/consumer hand-over and the size table behave as documented.
using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using FioMem.Benchmarks.Harness;
using Xunit;

namespace FioMem.Workloads.Tests;

public unsafe class HarnessTests
{
    [Fact]
    public void WorkerGangRunsEveryIndexOnceOnItsOwnThread()
    {
        using var gang = new WorkerGang(4, "test");
        var seen = new ConcurrentDictionary<int, int>();

        gang.Run(i => seen[i] = Environment.CurrentManagedThreadId);
        gang.Run(i => Assert.Equal(seen[i], Environment.CurrentManagedThreadId));

        Assert.Equal([0, 1, 2, 3], seen.Keys.Order());
        Assert.Equal(4, seen.Values.Distinct().Count());
        Assert.Equal(Environment.CurrentManagedThreadId, seen[0]);
    }

    [Fact]
    public void WorkerGangReportsAWorkersExceptionAndKeepsWorking()
    {
        using var gang = new WorkerGang(2, "test");

        var error = Assert.Throws<AggregateException>(() => gang.Run(i =>
        {
            if (i == 1) throw new InvalidOperationException("worker 1");
        }));
        int runs = 0;
        gang.Run(_ => Interlocked.Increment(ref runs));

        Assert.Equal("worker 1", error.InnerException!.Message);
        Assert.Equal(2, runs);
    }

    [Fact]
    public void RoundHandoffDeliversRoundsInOrderAndNeverOverwritesAnUnconsumedRound()
    {
        const int rounds = 200;
        using var handoff = new RoundHandoff(depth: 2, roundSize: 8);
        long failures = 0;
        var consumer = new Thread(() =>
        {
            for (int r = 0; r < rounds; r++)
            {
                void** items = handoff.AcquireForConsumer(r);
                for (int j = 0; j < 8; j++)
                    if ((nint)items[j] != r * 8 + j) Interlocked.Increment(ref failures);
                handoff.Release(r);
            }
        });
        consumer.Start();

        for (int r = 0; r < rounds; r++)
        {
            void** items = handoff.AcquireForProducer(r);
            for (int j = 0; j < 8; j++) items[j] = (void*)(nint)(r * 8 + j);
            handoff.Publish(r);
        }

        consumer.Join();
        Assert.Equal(0, failures);
    }

    [Fact]
    public void RandomSizesAreDeterministicAndInRange()
    {
        nuint[] first = RandomSizes.Uniform(4096, 16, 4096);
        nuint[] second = RandomSizes.Uniform(4096, 16, 4096);

        Assert.Equal(first, second);
        Assert.All(first, s => Assert.InRange(s, 16u, 4096u));
        Assert.Contains(first, s => s < 64);
        Assert.Contains(first, s => s > 4000);
    }
}
