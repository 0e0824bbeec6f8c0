// Renting from FioMemoryPool allocates nothing on the GC heap once the owner objects are warmed up.
using System;
using System.Buffers;
using System.Threading;
using Xunit;

namespace FioMem.AspNetCore.Tests;

/// <summary>
/// The GC-allocation tests run alone: owner objects move between threads through a shared list, and another test's
/// threads taking from it (or filling it) meanwhile would make this thread create owners that its steady state does not.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GcAllocationCollection
{
    public const string Name = "GC allocation (serial)";
}

[Collection(GcAllocationCollection.Name)]
public class GcAllocationTests
{
    [Fact]
    public void Rent_and_return_allocate_no_GC_memory_in_steady_state()
    {
        var owners = new IMemoryOwner<byte>[64];
        RentAndReturn(owners, rounds: 100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RentAndReturn(owners, rounds: 2_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Renting_on_one_thread_and_returning_on_another_allocates_no_GC_memory_in_steady_state()
    {
        const int Rounds = 400, Warmup = 100, Batch = 256;
        var owners = new IMemoryOwner<byte>[Batch];
        using var rented = new SemaphoreSlim(0);
        using var returned = new SemaphoreSlim(0);
        long renterBytes = 0, returnerBytes = 0;
        var renter = new Thread(() =>
        {
            long start = 0;
            for (int round = 0; round < Rounds; round++)
            {
                if (round == Warmup)
                    start = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < Batch; i++)
                    owners[i] = FioMemoryPool.Shared.Rent(4096);
                rented.Release();
                returned.Wait();
            }
            renterBytes = GC.GetAllocatedBytesForCurrentThread() - start;
        });
        var returner = new Thread(() =>
        {
            long start = 0;
            for (int round = 0; round < Rounds; round++)
            {
                rented.Wait();
                if (round == Warmup)
                    start = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < Batch; i++)
                    owners[i].Dispose();
                returned.Release();
            }
            returnerBytes = GC.GetAllocatedBytesForCurrentThread() - start;
        });
        renter.Start();
        returner.Start();
        renter.Join();
        returner.Join();
        Assert.Equal(0, renterBytes);
        Assert.Equal(0, returnerBytes);
    }

    private static void RentAndReturn(IMemoryOwner<byte>[] owners, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < owners.Length; i++)
            {
                owners[i] = FioMemoryPool.Shared.Rent(i % 2 == 0 ? 4096 : 100 + i);
                owners[i].Memory.Span[0] = 1;
            }
            for (int i = 0; i < owners.Length; i++)
                owners[i].Dispose();
        }
    }
}
