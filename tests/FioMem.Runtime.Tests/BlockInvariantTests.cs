// After stress runs every block's invariants hold exactly (BlockValidator), and the validator does see a broken one.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

[Collection(SerialCollection.Name)]
public unsafe class BlockInvariantTests
{
    [Fact]
    public void Every_block_is_consistent_after_a_cross_thread_stress_run()
    {
        var handOff = new BlockingCollection<nint>(boundedCapacity: 2048);
        var producers = new Thread[2];
        for (int t = 0; t < producers.Length; t++)
        {
            int seed = t;
            producers[t] = new Thread(() =>
            {
                var random = new Random(seed);
                var own = new List<nint>();
                for (int i = 0; i < 40_000; i++)
                {
                    nuint size = (nuint)random.Next(0, 3000);
                    byte* p = random.Next(8) switch
                    {
                        0 => (byte*)FioMemory.AlignedAlloc(size, (nuint)1 << random.Next(4, 13)),
                        1 => (byte*)FioMemory.Realloc(FioMemory.Alloc(size), size * 2 + 1),
                        _ => (byte*)FioMemory.Alloc(size),
                    };
                    if (random.Next(2) == 0)
                        handOff.Add((nint)p);
                    else
                        own.Add((nint)p);
                    if (own.Count > 64)
                    {
                        // Free in a shuffled order: some latest allocations step back, most do not.
                        int at = random.Next(own.Count);
                        FioMemory.Free((void*)own[at]);
                        own.RemoveAt(at);
                    }
                }
                foreach (nint p in own)
                    FioMemory.Free((void*)p);
            });
            producers[t].Start();
        }
        var consumer = new Thread(() =>
        {
            foreach (nint p in handOff.GetConsumingEnumerable())
                FioMemory.Free((void*)p);
        });
        consumer.Start();
        foreach (Thread producer in producers)
            producer.Join();
        handOff.CompleteAdding();
        consumer.Join();

        List<string> problems = BlockValidator.Validate();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_validator_reports_a_broken_invariant()
    {
        byte* p = (byte*)FioMemory.Alloc(16);
        BlockHeader* header = Block.Header(Block.Of(p));
        int references = header->References;
        header->References = -5;
        List<string> problems;
        try
        {
            problems = BlockValidator.Validate();
        }
        finally
        {
            header->References = references;
        }
        Assert.Contains(problems, line => line.Contains($"0x{(nuint)Block.Of(p):X}", StringComparison.Ordinal) && line.Contains("-5", StringComparison.Ordinal));
        Assert.Empty(BlockValidator.Validate());
        FioMemory.Free(p);
    }
}
