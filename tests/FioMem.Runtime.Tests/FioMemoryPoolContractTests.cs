// FioMemoryPool as a MemoryPool<byte>: sizes, limits, zeroing, pinning, returns from any thread, disposal.
using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

public unsafe class FioMemoryPoolContractTests
{
    [Fact]
    public void Rent_without_a_size_gives_the_default_4_KiB()
    {
        using IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent();
        using IMemoryOwner<byte> explicitDefault = FioMemoryPool.Shared.Rent(-1);
        Assert.Equal(FioMemoryPool.DefaultBufferSize, owner.Memory.Length);
        Assert.Equal(4096, explicitDefault.Memory.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(40_000)]
    [InlineData(FioMemory.LargeAllocationThreshold - 1)]
    [InlineData(FioMemory.LargeAllocationThreshold)]
    [InlineData(1 << 20)]
    public void Rent_gives_exactly_the_size_asked_for_zeroed_writable_and_aligned(int size)
    {
        using IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(size);
        Span<byte> span = owner.Memory.Span;
        Assert.Equal(size, span.Length);
        Assert.True(span.IndexOfAnyExcept((byte)0) < 0, "rented memory is zeroed");
        fixed (byte* p = span)
            Assert.Equal(0u, (nuint)p % FioMemory.Alignment);
        span.Fill(0x5A);
        Assert.True(owner.Memory.Span.IndexOfAnyExcept((byte)0x5A) < 0);
    }

    [Fact]
    public void Memory_a_previous_renter_wrote_is_zeroed_again()
    {
        // Rent and return on one thread: the next rental of the same size reuses the same slices.
        var thread = new Thread(() =>
        {
            for (int round = 0; round < 50; round++)
            {
                using IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(4096);
                Span<byte> span = owner.Memory.Span;
                Assert.True(span.IndexOfAnyExcept((byte)0) < 0, $"round {round}: not zeroed");
                span.Fill(0xFF);
            }
        });
        thread.Start();
        thread.Join();
    }

    [Fact]
    public void Max_buffer_size_is_the_largest_memory_length()
    {
        Assert.Equal(int.MaxValue, FioMemoryPool.Shared.MaxBufferSize);
        Assert.Equal(int.MaxValue, new FioMemoryPool().MaxBufferSize);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void Negative_sizes_other_than_minus_one_are_rejected(int size)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FioMemoryPool.Shared.Rent(size));
        Assert.Equal("minBufferSize", error.ParamName);
    }

    [Fact]
    public void Pin_points_at_the_buffer_and_checks_the_offset()
    {
        using IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(100);
        fixed (byte* start = owner.Memory.Span)
        {
            using (MemoryHandle handle = owner.Memory.Pin())
                Assert.Equal((nint)start, (nint)handle.Pointer);
            using (MemoryHandle end = owner.Memory.Slice(100).Pin())
                Assert.Equal((nint)start + 100, (nint)end.Pointer);
        }
        Assert.True(MemoryMarshal.TryGetMemoryManager<byte, MemoryManager<byte>>(owner.Memory, out MemoryManager<byte>? manager));
        Assert.Throws<ArgumentOutOfRangeException>(() => manager!.Pin(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => manager!.Pin(-1));
    }

    [Fact]
    public void Buffers_are_native_memory_not_arrays()
    {
        using IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(64);
        Assert.False(MemoryMarshal.TryGetArray<byte>(owner.Memory, out _));
        fixed (byte* p = owner.Memory.Span)
            Assert.True(AddressSpace.OwnsBlockOf(p), "a small buffer is a slice of a FioMem block");
    }

    [Fact]
    public void Disposing_an_owner_twice_is_harmless()
    {
        IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(256);
        owner.Dispose();
        owner.Dispose();
        // The allocator is intact: the next rentals work and are zeroed.
        using IMemoryOwner<byte> next = FioMemoryPool.Shared.Rent(256);
        Assert.True(next.Memory.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void Buffers_can_be_returned_on_another_thread()
    {
        var owners = new IMemoryOwner<byte>[200];
        for (int i = 0; i < owners.Length; i++)
        {
            owners[i] = FioMemoryPool.Shared.Rent(1000 + i);
            owners[i].Memory.Span.Fill((byte)i);
        }
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < owners.Length; i++)
                {
                    Assert.True(owners[i].Memory.Span.IndexOfAnyExcept((byte)i) < 0, $"buffer {i} changed");
                    owners[i].Dispose();
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    [Fact]
    public void A_disposed_pool_stops_renting_but_its_buffers_stay_valid()
    {
        var pool = new FioMemoryPool();
        IMemoryOwner<byte> owner = pool.Rent(64);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Rent(64));
        owner.Memory.Span.Fill(7);
        owner.Dispose();
    }

    [Fact]
    public void Disposing_the_shared_pool_does_nothing()
    {
        FioMemoryPool.Shared.Dispose();
        using IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(64);
        Assert.Equal(64, owner.Memory.Length);
    }
}

/// <summary>The pool's figures, read while nothing else rents.</summary>
[Collection(SerialCollection.Name)]
public class FioMemoryPoolStatisticsTests
{
    [Fact]
    public void Statistics_count_rentals_and_buffers_not_yet_returned()
    {
        FioMemoryStatistics before = FioMemory.GetStatistics();
        var owners = new IMemoryOwner<byte>[10];
        for (int i = 0; i < owners.Length; i++)
            owners[i] = FioMemoryPool.Shared.Rent(512);
        FioMemoryStatistics during = FioMemory.GetStatistics();
        for (int i = 0; i < owners.Length; i++)
            owners[i].Dispose();
        owners[0].Dispose();
        FioMemoryStatistics after = FioMemory.GetStatistics();

        Assert.Equal(before.MemoryPoolRentals + 10, during.MemoryPoolRentals);
        Assert.Equal(before.MemoryPoolBuffers + 10, during.MemoryPoolBuffers);
        Assert.Equal(during.MemoryPoolRentals, after.MemoryPoolRentals);
        Assert.Equal(before.MemoryPoolBuffers, after.MemoryPoolBuffers);
    }
}
