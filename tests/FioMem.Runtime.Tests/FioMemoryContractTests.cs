// The FioMemory contract (its XML docs and the README), one behaviour per test.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

public unsafe class FioMemoryContractTests
{
    public static IEnumerable<object[]> Sizes() =>
    [
        [(nuint)1], [(nuint)15], [(nuint)16], [(nuint)17], [(nuint)100], [(nuint)4096], [(nuint)(FioMemory.LargeAllocationThreshold - 1)],
        [(nuint)FioMemory.LargeAllocationThreshold], [(nuint)(FioMemory.BlockSize * 3 + 5)],
    ];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Alloc_returns_zeroed_16_byte_aligned_memory(nuint size)
    {
        byte* p = (byte*)FioMemory.Alloc(size);
        Assert.True(p != null);
        Assert.Equal(0u, (nuint)p % FioMemory.Alignment);
        Bytes.AssertAll(p, size, 0);
        FioMemory.Free(p);
    }

    [Fact]
    public void Memory_reused_after_free_is_zeroed_again()
    {
        // Fill and free far more than a block's worth, several times over, so recycled blocks are handed out again.
        for (int round = 0; round < 4; round++)
        {
            var pointers = new List<nint>();
            for (int i = 0; i < 2000; i++)
            {
                nuint size = (nuint)(16 + (i * 37) % 700);
                byte* p = (byte*)FioMemory.Alloc(size);
                Bytes.AssertAll(p, size, 0);
                Bytes.Fill(p, size, 0xAB);
                pointers.Add((nint)p);
            }
            foreach (nint p in pointers)
                FioMemory.Free((void*)p);
        }
    }

    [Fact]
    public void Immediate_free_of_the_latest_allocation_reuses_its_zeroed_slices()
    {
        byte* a = (byte*)FioMemory.Alloc(64);
        Bytes.Fill(a, 64, 0xCC);
        FioMemory.Free(a);
        byte* b = (byte*)FioMemory.Alloc(64);
        // Checked mode keeps freed slices poisoned until the block is recycled, so it never steps back.
        Assert.Equal(!FioMemory.GetStatistics().CheckedMode, a == b);
        Bytes.AssertAll(b, 64, 0);
        FioMemory.Free(b);
    }

    [Fact]
    public void Alloc_zero_returns_unique_non_null_pointers()
    {
        void* a = FioMemory.Alloc(0);
        void* b = FioMemory.Alloc(0);
        Assert.True(a != null && b != null);
        Assert.True(a != b);
        FioMemory.Free(a);
        FioMemory.Free(b);
    }

    [Fact]
    public void Consecutive_allocations_do_not_overlap()
    {
        byte* a = (byte*)FioMemory.Alloc(17);
        byte* b = (byte*)FioMemory.Alloc(17);
        Assert.True(b >= a + 17 || a >= b + 17);
        FioMemory.Free(a);
        FioMemory.Free(b);
    }

    [Fact]
    public void Alloc_with_element_count_allocates_the_product_zeroed()
    {
        byte* p = (byte*)FioMemory.Alloc(10, 12);
        Bytes.AssertAll(p, 120, 0);
        FioMemory.Free(p);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Element_count_overflow_throws_OutOfMemoryException(bool zeroed)
    {
        nuint count = nuint.MaxValue / 2, size = 3;
        Assert.Throws<OutOfMemoryException>(() => { if (zeroed) FioMemory.AllocZeroed(count, size); else FioMemory.Alloc(count, size); });
    }

    [Fact]
    public void Zero_element_size_is_a_zero_byte_allocation()
    {
        void* p = FioMemory.Alloc(nuint.MaxValue, 0);
        Assert.True(p != null);
        FioMemory.Free(p);
    }

    [Fact]
    public void AllocZeroed_returns_zeroed_aligned_memory()
    {
        byte* p = (byte*)FioMemory.AllocZeroed(64);
        byte* q = (byte*)FioMemory.AllocZeroed(8, 8);
        Assert.Equal(0u, (nuint)p % 16);
        Bytes.AssertAll(p, 64, 0);
        Bytes.AssertAll(q, 64, 0);
        FioMemory.Free(p);
        FioMemory.Free(q);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-2)]
    public void Sizes_no_system_can_serve_throw_OutOfMemoryException(int fromTop)
    {
        nuint size = (nuint)((nint)nuint.MaxValue + fromTop + 1) / (fromTop == -1 ? 1u : 2u);
        Assert.Throws<OutOfMemoryException>(() => FioMemory.Alloc(size));
        Assert.Throws<OutOfMemoryException>(() => FioMemory.AllocLongLived(size));
    }

    [Fact]
    public void Free_null_does_nothing() => FioMemory.Free(null);

    [Fact]
    public void Realloc_null_allocates_zeroed_memory()
    {
        byte* p = (byte*)FioMemory.Realloc(null, 48);
        Bytes.AssertAll(p, 48, 0);
        FioMemory.Free(p);
    }

    [Theory]
    [InlineData(40, 200)]
    [InlineData(200, 40)]
    [InlineData(100, 60_000)]
    [InlineData(60_000, 100)]
    [InlineData(60_000, 300_000)]
    [InlineData(300_000, 60_000)]
    public void Realloc_keeps_the_common_prefix_and_zeroes_the_rest(int from, int to)
    {
        byte* p = (byte*)FioMemory.Alloc((nuint)from);
        for (int i = 0; i < from; i++) p[i] = (byte)(i * 7 + 1);
        byte* q = (byte*)FioMemory.Realloc(p, (nuint)to);
        int kept = Math.Min(from, to);
        for (int i = 0; i < kept; i++) Assert.Equal((byte)(i * 7 + 1), q[i]);
        Bytes.AssertAll(q + kept, (nuint)(to - kept), 0);
        Assert.Equal(0u, (nuint)q % 16);
        FioMemory.Free(q);
    }

    [Fact]
    public void Realloc_never_copies_a_neighbours_bytes()
    {
        byte* a = (byte*)FioMemory.Alloc(20);
        byte* neighbour = (byte*)FioMemory.Alloc(64);
        Bytes.Fill(a, 20, 0x11);
        Bytes.Fill(neighbour, 64, 0xEE);
        byte* grown = (byte*)FioMemory.Realloc(a, 200);
        Bytes.AssertAll(grown, 20, 0x11);
        Bytes.AssertAll(grown + 20, 180, 0);
        FioMemory.Free(grown);
        FioMemory.Free(neighbour);
    }

    [Fact]
    public void Realloc_grows_the_latest_allocation_in_place_and_zeroes_the_growth()
    {
        // On a thread of its own, whose block has room for the growth (a test thread's block may be nearly full).
        using var thread = new ParkedThread();
        thread.Run(() =>
        {
            byte* p = (byte*)FioMemory.Alloc(100);
            Bytes.Fill(p, 100, 0x42);
            byte* q = (byte*)FioMemory.Realloc(p, 1000);
            Assert.True(p == q, "the latest allocation in the thread's block should grow in place");
            Bytes.AssertAll(q, 100, 0x42);
            Bytes.AssertAll(q + 100, 900, 0);
            byte* next = (byte*)FioMemory.Alloc(16);
            Assert.True(next >= q + 1000, "the next allocation must start after the grown one");
            FioMemory.Free(next);
            FioMemory.Free(q);
        });
    }

    [Fact]
    public void Realloc_of_an_older_allocation_moves_it_and_keeps_neighbours_intact()
    {
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)FioMemory.Alloc(64);
        Bytes.Fill(a, 64, 1);
        Bytes.Fill(b, 64, 2);
        byte* grown = (byte*)FioMemory.Realloc(a, 500);
        Assert.True(grown != a);
        Bytes.AssertAll(grown, 64, 1);
        Bytes.AssertAll(grown + 64, 436, 0);
        Bytes.AssertAll(b, 64, 2);
        FioMemory.Free(grown);
        FioMemory.Free(b);
    }

    [Theory]
    [InlineData(64, 0, 128)]
    [InlineData(2048, 0, 4096)]
    [InlineData(128, 16, 256)]
    [InlineData(4096, 48, 8192)]
    public void An_allocation_over_slices_stepped_back_over_keeps_its_whole_size(int freedFirst, int between, int size)
    {
        // The freed latest allocation's slices are stepped back over, and its boundary marks lie inside the next,
        // larger allocation there. A mark left standing would cut that allocation short: a realloc would copy too little.
        byte* first = (byte*)FioMemory.Alloc((nuint)freedFirst);
        Bytes.Fill(first, (nuint)freedFirst, 0x77);
        FioMemory.Free(first);
        byte* small = between > 0 ? (byte*)FioMemory.Alloc((nuint)between) : null;
        byte* p = (byte*)FioMemory.Alloc((nuint)size);
        Bytes.Fill(p, (nuint)size, 0x3C);
        byte* after = (byte*)FioMemory.Alloc(16);

        byte* moved = (byte*)FioMemory.Realloc(p, (nuint)size * 4);

        Bytes.AssertAll(moved, (nuint)size, 0x3C);
        Bytes.AssertAll(moved + size, (nuint)size * 3, 0);
        FioMemory.Free(moved);
        FioMemory.Free(after);
        FioMemory.Free(small);
    }

    [Fact]
    public void Realloc_shrink_then_grow_reads_zero_past_the_smaller_size()
    {
        byte* p = (byte*)FioMemory.Alloc(100);
        Bytes.Fill(p, 100, 0x5A);
        p = (byte*)FioMemory.Realloc(p, 10);
        p = (byte*)FioMemory.Realloc(p, 100);
        Bytes.AssertAll(p, 10, 0x5A);
        Bytes.AssertAll(p + 10, 90, 0);
        FioMemory.Free(p);
    }

    [Fact]
    public void Large_realloc_shrink_then_grow_reads_zero_past_the_smaller_size()
    {
        nuint big = (nuint)FioMemory.LargeAllocationThreshold * 4;
        byte* p = (byte*)FioMemory.Alloc(big);
        Bytes.Fill(p, big, 0x5A);
        p = (byte*)FioMemory.Realloc(p, (nuint)FioMemory.LargeAllocationThreshold + 100);
        p = (byte*)FioMemory.Realloc(p, big);
        Bytes.AssertAll(p, (nuint)FioMemory.LargeAllocationThreshold + 100, 0x5A);
        Bytes.AssertAll(p + FioMemory.LargeAllocationThreshold + 100, big - (nuint)FioMemory.LargeAllocationThreshold - 100, 0);
        FioMemory.Free(p);
    }

    [Theory]
    [InlineData(64, 128, 16)]
    [InlineData(64, 32, 8)]
    [InlineData(64, 128, 1000)]
    [InlineData(70_000, 140_000, 100)]
    public void Realloc_with_copy_length_keeps_only_that_many_bytes(int from, int to, int copyLength)
    {
        byte* p = (byte*)FioMemory.Alloc((nuint)from);
        Bytes.Fill(p, (nuint)from, 0x77);
        byte* q = (byte*)FioMemory.Realloc(p, (nuint)to, (nuint)copyLength);
        int kept = Math.Min(copyLength, Math.Min(from, to));
        Bytes.AssertAll(q, (nuint)kept, 0x77);
        Bytes.AssertAll(q + kept, (nuint)(to - kept), 0);
        FioMemory.Free(q);
    }

    [Theory]
    [InlineData(1, -1)]
    [InlineData(127, -1)]
    [InlineData(128, -1)]
    [InlineData(129, -1)]
    [InlineData(3000, -1)]
    [InlineData(3000, 2999)]
    [InlineData(6144, -1)]
    [InlineData(6145, -1)]
    [InlineData(10_000, 5_000)]
    [InlineData(300, 200)]
    public void A_moving_Realloc_copies_exactly_the_kept_bytes(int from, int copyLength)
    {
        nuint copy = copyLength < 0 ? nuint.MaxValue : (nuint)copyLength;
        byte* p = (byte*)FioMemory.Alloc((nuint)from);
        for (int i = 0; i < from; i++) p[i] = (byte)(i * 13 + 5);
        // An allocation after it: the realloc cannot grow in place, so it moves and copies.
        byte* neighbour = (byte*)FioMemory.Alloc(16);
        int to = 2 * from + 16;
        byte* q = (byte*)FioMemory.Realloc(p, (nuint)to, copy);
        Assert.True(q != p, "moved");
        int kept = (int)Math.Min((nuint)from, copy);
        for (int i = 0; i < kept; i++) Assert.Equal((byte)(i * 13 + 5), q[i]);
        Bytes.AssertAll(q + kept, (nuint)(to - kept), 0);
        FioMemory.Free(q);
        FioMemory.Free(neighbour);
    }

    [Fact]
    public void Realloc_to_zero_returns_a_valid_pointer()
    {
        void* p = FioMemory.Alloc(100);
        void* q = FioMemory.Realloc(p, 0);
        Assert.True(q != null);
        FioMemory.Free(q);
    }

    [Fact]
    public void Memory_allocated_on_one_thread_can_be_freed_on_another()
    {
        var pointers = new nint[1000];
        var producer = new Thread(() =>
        {
            for (int i = 0; i < pointers.Length; i++)
            {
                byte* p = (byte*)FioMemory.Alloc((nuint)(16 + i % 300));
                p[0] = (byte)i;
                pointers[i] = (nint)p;
            }
        });
        producer.Start();
        producer.Join();
        for (int i = 0; i < pointers.Length; i++)
        {
            Assert.Equal((byte)i, ((byte*)pointers[i])[0]);
            FioMemory.Free((void*)pointers[i]);
        }
    }

    [Fact]
    public void AllocLongLived_returns_zeroed_aligned_memory_freed_with_Free()
    {
        byte* p = (byte*)FioMemory.AllocLongLived(300);
        Assert.Equal(0u, (nuint)p % 16);
        Bytes.AssertAll(p, 300, 0);
        Bytes.Fill(p, 300, 1);
        byte* q = (byte*)FioMemory.Realloc(p, 600);
        Bytes.AssertAll(q, 300, 1);
        Bytes.AssertAll(q + 300, 300, 0);
        FioMemory.Free(q);
    }

    [Fact]
    public void AllocLongLived_zero_bytes_is_unique_and_non_null()
    {
        void* a = FioMemory.AllocLongLived(0);
        void* b = FioMemory.AllocLongLived(0);
        Assert.True(a != null && a != b);
        FioMemory.Free(a);
        FioMemory.Free(b);
    }

    [Fact]
    public void A_large_Realloc_that_runs_out_of_memory_leaves_the_allocation_as_it_was()
    {
        const int size = 100_000;
        byte* p = (byte*)FioMemory.Alloc(size);
        for (int i = 0; i < size; i++)
            p[i] = (byte)(i * 7);
        Assert.Throws<OutOfMemoryException>(() => { FioMemory.Realloc(p, (nuint)1 << 50, copyLength: 10); });
        Assert.Throws<OutOfMemoryException>(() => { FioMemory.Realloc(p, (nuint)1 << 50); });
        for (int i = 0; i < size; i++)
            Assert.Equal((byte)(i * 7), p[i]);
        FioMemory.Free(p);
    }
}
