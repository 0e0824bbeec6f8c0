// FioHeap: one thread allocates, any thread frees, Reset and Dispose release everything at once.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

public unsafe class FioHeapTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(40_000)]
    [InlineData(FioMemory.LargeAllocationThreshold)]
    [InlineData(200_000)]
    public void Alloc_gives_zeroed_memory_aligned_on_16_bytes(int size)
    {
        using var heap = new FioHeap();
        for (int i = 0; i < 3; i++)
        {
            byte* p = (byte*)heap.Alloc((nuint)size);
            Assert.True(p != null);
            Assert.Equal(0u, (nuint)p % 16);
            Bytes.AssertAll(p, (nuint)size, 0);
            Bytes.Fill(p, (nuint)size, 0x5A);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(4096)]
    [InlineData(8192)]
    [InlineData(65536)]
    public void AlignedAlloc_gives_zeroed_memory_on_the_alignment(int alignment)
    {
        using var heap = new FioHeap();
        for (int i = 0; i < 8; i++)
        {
            heap.Alloc(48);
            byte* p = (byte*)heap.AlignedAlloc(100, (nuint)alignment);
            Assert.Equal(0u, (nuint)p % (nuint)alignment);
            Bytes.AssertAll(p, 100, 0);
            Bytes.Fill(p, 100, 0x77);
        }
    }

    [Fact]
    public void AlignedAlloc_rejects_an_alignment_that_is_not_a_power_of_two()
    {
        using var heap = new FioHeap();
        Assert.Throws<ArgumentException>(() => heap.AlignedAlloc(16, 24));
    }

    [Fact]
    public void Allocations_do_not_overlap_across_blocks()
    {
        using var heap = new FioHeap();
        var pointers = new List<nuint>();
        var random = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            int size = random.Next(1, 600);
            byte* p = (byte*)heap.Alloc((nuint)size);
            Bytes.Fill(p, (nuint)size, (byte)i);
            pointers.Add((nuint)p);
            pointers.Add((nuint)size);
        }
        for (int i = 0; i < 5000; i++)
            Bytes.AssertAll((void*)pointers[2 * i], pointers[2 * i + 1], (byte)i);
    }

    [Fact]
    public void Memory_is_zeroed_again_after_Reset()
    {
        using var heap = new FioHeap();
        for (int round = 0; round < 4; round++)
        {
            for (int i = 0; i < 3000; i++)
            {
                nuint size = (nuint)(16 + (i % 7) * 40);
                byte* p = (byte*)heap.Alloc(size);
                Bytes.AssertAll(p, size, 0);
                Bytes.Fill(p, size, 0xEE);
            }
            heap.Reset();
        }
    }

#if !FIOMEM_TEST_CHECKED
    [Fact]
    public void Reset_keeps_the_blocks_and_slices_them_again_from_the_start()
    {
        using var heap = new FioHeap();
        void* first = heap.Alloc(32);
        for (int i = 0; i < 2000; i++)
            heap.Alloc(100);
        heap.Reset();
        Assert.True(first == heap.Alloc(32));
    }

    [Fact]
    public void Owner_freeing_its_latest_allocation_reuses_the_slices()
    {
        using var heap = new FioHeap();
        heap.Alloc(16);
        void* p = heap.Alloc(64);
        FioMemory.Free(p);
        Assert.True(p == heap.Alloc(64));
    }
#endif

    [Fact]
    public void Dispose_twice_does_nothing_and_the_heap_refuses_use_after_it()
    {
        var heap = new FioHeap();
        heap.Alloc(10);
        heap.Dispose();
        heap.Dispose();
        Assert.True(heap.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => heap.Alloc(10));
        Assert.Throws<ObjectDisposedException>(() => heap.AlignedAlloc(10, 64));
        Assert.Throws<ObjectDisposedException>(() => heap.Reset());
    }

    [Fact]
    public void Allocating_on_a_thread_that_did_not_create_the_heap_throws()
    {
        using var heap = new FioHeap();
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                heap.Alloc(16);
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("only the creating thread may allocate", error!.Message);
    }

    [Fact]
    public void Overflowing_element_product_throws()
    {
        using var heap = new FioHeap();
        Assert.Throws<OutOfMemoryException>(() => heap.Alloc(nuint.MaxValue / 2, 4));
    }

    [Fact]
    public void Many_threads_free_heap_memory_while_the_owner_allocates()
    {
        const int Count = 40_000;
        using var heap = new FioHeap();
        using var handOff = new BlockingCollection<(nuint Pointer, int Size, byte Fill)>(boundedCapacity: 1024);
        int freed = 0;
        var failures = new ConcurrentQueue<string>();
        var freers = new Thread[4];
        for (int t = 0; t < freers.Length; t++)
        {
            freers[t] = new Thread(() =>
            {
                foreach ((nuint pointer, int size, byte fill) in handOff.GetConsumingEnumerable())
                {
                    if (!Bytes.All((void*)pointer, (nuint)size, fill))
                        failures.Enqueue($"0x{pointer:X} lost its bytes");
                    try
                    {
                        FioMemory.Free((void*)pointer);
                        Interlocked.Increment(ref freed);
                    }
                    catch (ArgumentException e)
                    {
                        failures.Enqueue(e.Message);
                    }
                }
            });
            freers[t].Start();
        }
        var random = new Random(11);
        for (int i = 0; i < Count; i++)
        {
            int size = random.Next(1, 300);
            byte* p = (byte*)heap.Alloc((nuint)size);
            byte fill = (byte)(i | 1);
            Bytes.Fill(p, (nuint)size, fill);
            if (i % 3 != 0)
                handOff.Add(((nuint)p, size, fill));
        }
        handOff.CompleteAdding();
        foreach (Thread freer in freers)
            freer.Join();
        Assert.Empty(failures);
        Assert.Equal(Count - (Count + 2) / 3, freed);
    }

    [Fact]
    public void Realloc_of_heap_memory_keeps_the_bytes_and_stays_in_the_heap_on_its_thread()
    {
        using var heap = new FioHeap();
        heap.Alloc(16);
        byte* p = (byte*)heap.Alloc(32);
        Bytes.Fill(p, 32, 0x42);
        byte* grown = (byte*)FioMemory.Realloc(p, 200);
        Bytes.AssertAll(grown, 32, 0x42);
        Bytes.AssertAll(grown + 32, 168, 0);
        byte* other = (byte*)heap.Alloc(16);
        byte* moved = (byte*)FioMemory.Realloc(grown, 5000);
        Bytes.AssertAll(moved, 32, 0x42);
        Bytes.AssertAll(moved + 32, 5000 - 32, 0);
        byte* shrunk = (byte*)FioMemory.Realloc(moved, 8);
        Assert.True(shrunk == moved);
        Bytes.AssertAll(shrunk, 8, 0x42);
        Bytes.AssertAll(shrunk + 8, 24, 0);
        FioMemory.Free(other);
    }

    [Fact]
    public void Realloc_of_heap_memory_shrinks_on_any_thread_and_grows_only_on_the_heaps()
    {
        using var heap = new FioHeap();
        byte* p = (byte*)heap.Alloc(256);
        Bytes.Fill(p, 256, 0x31);
        void* shrunk = null;
        Exception? growth = null;
        var thread = new Thread(() =>
        {
            shrunk = FioMemory.Realloc(p, 64);
            try
            {
                FioMemory.Realloc(shrunk, 1024);
            }
            catch (Exception e)
            {
                growth = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.True(shrunk == p);
        Bytes.AssertAll(p, 64, 0x31);
        Assert.IsType<InvalidOperationException>(growth);
    }

    [Fact]
    public void Free_rejects_an_interior_pointer_into_heap_memory()
    {
        using var heap = new FioHeap();
        byte* p = (byte*)heap.Alloc(64);
        heap.Alloc(16);
        Assert.Throws<ArgumentException>(() => FioMemory.Free(p + 16));
        Assert.Throws<ArgumentException>(() => FioMemory.Free(p + 1));
    }

    [Fact]
    public void Typed_allocations_from_a_heap_are_zeroed()
    {
        using var heap = new FioHeap();
        Point* point = FioAlloc<Point>.New(heap);
        Assert.Equal(0, point->X + point->Y);
        *point = new Point(3, 4);
        Span<Point> points = FioAlloc<Point>.NewArray(heap, 100);
        Assert.Equal(100, points.Length);
        foreach (Point each in points)
            Assert.Equal(0, each.X + each.Y);
        Assert.Throws<ArgumentNullException>(() => FioAlloc<Point>.New(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => FioAlloc<Point>.NewArray(heap, -1));
    }

    internal readonly struct Point(int x, int y) : IFioAllocated<Point>
    {
        public readonly int X = x;
        public readonly int Y = y;

        public static string FioTypeName => nameof(Point);
    }
}

/// <summary>Heap tests that read global state or free pointers after the heap let them go: alone.</summary>
[Collection(SerialCollection.Name)]
public unsafe class FioHeapReleaseTests
{
    [Fact]
    public void Dispose_with_outstanding_allocations_returns_every_block_and_large_allocation()
    {
        FioMemory.Alloc(16); // this thread's cache exists, so its block is not counted below
#if FIOMEM_TEST_CHECKED
        HeapQuarantine.Drain();
#endif
        long largeBefore = FioMemory.GetStatistics().LargeAllocations;
        long inUseBefore = FioMemory.GetStatistics().BlocksInUse;
        var heap = new FioHeap();
        for (int i = 0; i < 4000; i++)
            heap.Alloc(100);
        heap.Alloc(100_000);
        heap.AlignedAlloc(64, 8192);
        Assert.Equal(largeBefore + 2, FioMemory.GetStatistics().LargeAllocations);
        Assert.True(FioMemory.GetStatistics().BlocksInUse >= inUseBefore + 3);
        heap.Dispose();
#if FIOMEM_TEST_CHECKED
        HeapQuarantine.Drain();
#endif
        Assert.Equal(largeBefore, FioMemory.GetStatistics().LargeAllocations);
        Assert.Equal(inUseBefore, FioMemory.GetStatistics().BlocksInUse);
        Assert.Empty(BlockValidator.Validate());
    }

    [Fact]
    public void A_large_allocation_freed_early_is_not_released_again()
    {
        long largeBefore = FioMemory.GetStatistics().LargeAllocations;
        var heap = new FioHeap();
        void* large = heap.Alloc(100_000);
        var thread = new Thread(() => FioMemory.Free(large));
        thread.Start();
        thread.Join();
        void* other = FioMemory.Alloc(100_000); // may reuse the address: the heap must not free it
        heap.Dispose();
        Assert.Equal(largeBefore + 1, FioMemory.GetStatistics().LargeAllocations);
        FioMemory.Free(other);
        Assert.Equal(largeBefore, FioMemory.GetStatistics().LargeAllocations);
    }

    [Fact]
    public void Dispose_does_not_give_its_blocks_up_while_a_free_is_inside_one()
    {
        var heap = new FioHeap();
        byte* p = (byte*)heap.Alloc(64);
        BlockHeader* header = (BlockHeader*)((nuint)p & ~(nuint)(FioMemory.BlockSize - 1));
        // A free from another thread that has counted itself in and not yet left.
        Interlocked.Increment(ref heap._slot.Visitors);
        var disposer = new Thread(heap.Dispose);
        disposer.Start();
        // Dispose marks the block first, then waits for the free to leave before the block goes anywhere.
        SpinWait.SpinUntil(() => Volatile.Read(ref header->State) != (int)BlockState.Heap);
        Assert.False(disposer.Join(100));
        Assert.NotEqual(0, header->UsedEnd); // not reset, not pooled
        Interlocked.Decrement(ref heap._slot.Visitors);
        disposer.Join();
#if FIOMEM_TEST_CHECKED
        HeapQuarantine.Drain();
#endif
        Assert.Equal(0, header->UsedEnd);
    }

    [Fact]
    public void Free_of_heap_memory_after_Dispose_is_rejected()
    {
        var heap = new FioHeap();
        void* p = heap.Alloc(64);
        heap.Alloc(64);
        heap.Dispose();
        Assert.Throws<ArgumentException>(() => FioMemory.Free(p));
        Assert.Throws<ArgumentException>(() => FioMemory.Realloc(p, 10));
    }

    [Fact]
    public void Heap_blocks_pass_the_block_validator_while_in_use()
    {
        using var heap = new FioHeap();
        for (int i = 0; i < 3000; i++)
            heap.Alloc(100);
        Assert.Empty(BlockValidator.Validate());
    }

    [Fact]
    public void A_second_free_of_heap_memory_is_rejected_on_any_thread()
    {
        using var heap = new FioHeap();
        byte* first = (byte*)heap.Alloc(48);
        byte* second = (byte*)heap.Alloc(48);
        byte* third = (byte*)heap.Alloc(48);
        heap.Alloc(16); // none of the three is the latest allocation
        FioMemory.Free(first);
        Assert.Throws<ArgumentException>(() => FioMemory.Free(first));

        Exception? onOtherThread = null;
        var thread = new Thread(() =>
        {
            FioMemory.Free(second);
            try { FioMemory.Free(second); } catch (Exception e) { onOtherThread = e; }
        });
        thread.Start();
        thread.Join();
        Assert.IsType<ArgumentException>(onOtherThread);
        Assert.Throws<ArgumentException>(() => FioMemory.Free(second));

        FioMemory.Free(third);
        Assert.Throws<ArgumentException>(() => FioMemory.Realloc(third, 24));
    }

#if !FIOMEM_TEST_CHECKED
    // Checked mode sets a reset heap's blocks aside (poisoned), so the next round has other addresses.
    [Fact]
    public void After_Reset_the_same_addresses_are_freed_once_without_complaint()
    {
        using var heap = new FioHeap();
        void* first = heap.Alloc(48);
        heap.Alloc(16);
        FioMemory.Free(first);
        heap.Reset();
        Assert.True(first == heap.Alloc(48));
        heap.Alloc(16);
        FioMemory.Free(first);
        Assert.Throws<ArgumentException>(() => FioMemory.Free(first));
    }
#endif

    [Fact]
    public void The_latest_allocation_freed_by_the_owner_and_allocated_again_is_freed_once_more()
    {
        using var heap = new FioHeap();
        heap.Alloc(16);
        void* latest = heap.Alloc(64);
        FioMemory.Free(latest);
        void* again = heap.Alloc(64);
        heap.Alloc(16);
        FioMemory.Free(again);
        Assert.Throws<ArgumentException>(() => FioMemory.Free(again));
    }
}
