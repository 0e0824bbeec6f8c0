// Many threads allocate, fill each allocation with its own pattern, hand some to other threads, and check before freeing.
using System;
using System.Collections.Concurrent;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

public unsafe class ConcurrencyStressTests
{
    private readonly record struct Allocation(nint Address, int Size, byte Pattern);

    [Fact]
    public void Concurrent_allocations_never_overlap_and_are_zeroed_with_cross_thread_frees()
    {
        const int Threads = 6, Rounds = 40, PerRound = 400;
        var handOff = new BlockingCollection<Allocation>(boundedCapacity: 4096);
        var failures = new ConcurrentQueue<string>();
        long checkedCount = 0;

        void Check(Allocation a)
        {
            byte* p = (byte*)a.Address;
            int bad = new ReadOnlySpan<byte>(p, a.Size).IndexOfAnyExcept(a.Pattern);
            if (bad >= 0)
                failures.Enqueue($"0x{a.Address:X} (size {a.Size}) byte {bad} is 0x{p[bad]:X2}, expected 0x{a.Pattern:X2}: overlap");
            Interlocked.Increment(ref checkedCount);
            FioMemory.Free(p);
        }

        var workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int seed = t;
            workers[t] = new Thread(() =>
            {
                var random = new Random(seed);
                var mine = new Allocation[PerRound];
                for (int round = 0; round < Rounds; round++)
                {
                    for (int i = 0; i < PerRound; i++)
                    {
                        int size = random.Next(8) == 0 ? random.Next(1, 60_000) : random.Next(0, 2048);
                        byte* p = (byte*)FioMemory.Alloc((nuint)size);
                        if ((nuint)p % 16 != 0)
                            failures.Enqueue($"0x{(nuint)p:X} is not 16-byte aligned");
                        int dirty = new ReadOnlySpan<byte>(p, size).IndexOfAnyExcept((byte)0);
                        if (dirty >= 0)
                            failures.Enqueue($"0x{(nuint)p:X} (size {size}) byte {dirty} was not zero at allocation");
                        byte pattern = (byte)random.Next(1, 256);
                        new Span<byte>(p, size).Fill(pattern);
                        mine[i] = new Allocation((nint)p, size, pattern);
                    }
                    for (int i = 0; i < PerRound; i++)
                    {
                        // Half go to whichever thread takes them next; the rest this thread frees itself.
                        if ((i & 1) == 0)
                            handOff.Add(mine[i]);
                        else
                            Check(mine[i]);
                        while (handOff.TryTake(out Allocation other))
                            Check(other);
                    }
                }
            });
        }
        foreach (Thread w in workers) w.Start();
        foreach (Thread w in workers) w.Join();
        while (handOff.TryTake(out Allocation rest))
            Check(rest);

        Assert.Empty(failures);
        Assert.Equal(Threads * Rounds * PerRound, Interlocked.Read(ref checkedCount));
    }

    [Fact]
    public void A_large_allocation_moved_by_realloc_frees_its_old_address_for_other_threads_at_once()
    {
        // Growing a large allocation moves its mapping (mremap on Linux); another thread mapping a large allocation at
        // the same moment can be given the old address. Its bookkeeping must not still hold the old one: this used to
        // throw "An item with the same key has already been added" on the other thread.
        const int Iterations = 20_000;
        nuint large = (nuint)FioMemory.LargeAllocationThreshold;
        var failures = new ConcurrentQueue<Exception>();
        var grower = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < Iterations; i++)
                {
                    byte* p = (byte*)FioMemory.Alloc(large);
                    p[0] = 1;
                    p = (byte*)FioMemory.Realloc(p, large * 4);
                    if (p[0] != 1 || p[large * 4 - 1] != 0)
                        throw new InvalidOperationException($"realloc lost or dirtied bytes at 0x{(nuint)p:X}");
                    FioMemory.Free(p);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        });
        var mapper = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < Iterations; i++)
                    FioMemory.Free(FioMemory.Alloc(large));
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        });
        grower.Start();
        mapper.Start();
        grower.Join();
        mapper.Join();

        Assert.Empty(failures);
    }
}
