// A thread's latest allocation is freed without reading the block's bitmaps (the thread remembers where it starts),
// and an allocation marks only its end (the bump pointer's boundary bit is set from the start): what that must keep.
using System;
using Xunit;

namespace FioMem.Tests;

/// <summary>Serial: the steps rely on what the calling thread's block holds between them.</summary>
[Collection(SerialCollection.Name)]
public unsafe class LatestAllocationTests
{
    private static bool Checked => FioMemory.GetStatistics().CheckedMode;

    [Fact]
    public void The_latest_allocation_grown_in_place_and_freed_gives_back_every_slice_zeroed()
    {
        // A new thread slices a block from its start, so the allocation has the room to grow in place.
        using var thread = new ParkedThread();
        thread.Run(() =>
        {
            byte* p = (byte*)FioMemory.Alloc(32);
            byte* grown = (byte*)FioMemory.Realloc(p, 2000);
            Assert.Equal((nuint)p, (nuint)grown);
            Bytes.Fill(grown, 2000, 0xAB);
            FioMemory.Free(grown);
            byte* again = (byte*)FioMemory.Alloc(4000);
            if (!Checked)
                Assert.Equal((nuint)p, (nuint)again);
            Bytes.AssertAll(again, 4000, 0);
            FioMemory.Free(again);
        });
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void An_allocation_freed_then_the_latest_after_it_then_the_first_again_is_rejected()
    {
        // Once b is freed, a ends at the bump pointer; its second free must not step back over it.
        byte* keep = (byte*)FioMemory.Alloc(48);
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)FioMemory.Alloc(64);
        FioMemory.Free(a);
        FioMemory.Free(b);
        var error = Assert.Throws<ArgumentException>(() => FioMemory.Free(a));
        Assert.Contains($"0x{(nuint)a:X}", error.Message);
        // Nothing was stepped back over a: the next allocation lands after it.
        byte* next = (byte*)FioMemory.Alloc(64);
        Assert.NotEqual((nuint)a, (nuint)next);
        FioMemory.Free(next);
        FioMemory.Free(keep);
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void The_first_allocation_of_a_threads_block_is_an_allocation_start_for_every_thread()
    {
        // A new thread's first allocation lies at the first data slice of the block it was just given: the one whose
        // start bit the allocation did not set itself.
        byte* a = null, b = null;
        using (var thread = new ParkedThread())
        {
            thread.Run(() =>
            {
                a = (byte*)FioMemory.Alloc(64);
                b = (byte*)FioMemory.Alloc(64);
                Bytes.Fill(a, 64, 0x5A);
            });
            Assert.Equal(64, (int)((nuint)b - (nuint)a));
            // Sized by the bitmap on another thread: a keeps its 64 bytes when it moves.
            byte* moved = (byte*)FioMemory.Realloc(a, 1000);
            Bytes.AssertAll(moved, 64, 0x5A);
            Bytes.AssertAll(moved + 64, 1000 - 64, 0);
            var error = Assert.Throws<ArgumentException>(() => FioMemory.Free(a));
            Assert.Contains($"0x{(nuint)a:X}", error.Message);
            FioMemory.Free(moved);
            thread.Run(() => FioMemory.Free(b));
        }
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void A_pointer_to_a_threads_bump_pointer_is_rejected_on_another_thread()
    {
        // After its only allocation is freed, the thread's bump pointer is back at the block's first data slice,
        // whose boundary bit stays set: a pointer there is nothing handed out.
        using var thread = new ParkedThread();
        byte* p = null;
        thread.Run(() =>
        {
            p = (byte*)FioMemory.Alloc(32);
            FioMemory.Free(p);
        });
        Assert.Throws<ArgumentException>(() => FioMemory.Free(p));
        Assert.Throws<ArgumentException>(() => FioMemory.Realloc(p, 64));
        thread.Run(() =>
        {
            byte* q = (byte*)FioMemory.Alloc(32);
            if (!Checked)
                Assert.Equal((nuint)p, (nuint)q);
            Bytes.AssertAll(q, 32, 0);
            FioMemory.Free(q);
        });
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }
}
