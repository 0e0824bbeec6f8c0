// A pointer one past a block's latest allocation lies on a set boundary bit (the allocation's end) but was never
// handed out: every thread rejects it, whether the block is being sliced or retired.
using System;
using System.Collections.Generic;
using Xunit;

namespace FioMem.Tests;

public unsafe class EndOfAllocationTests
{
    [Fact]
    public void Free_of_the_pointer_one_past_another_threads_latest_allocation_is_rejected()
    {
        using var owner = new ParkedThread();
        byte* b = null;
        owner.Run(() => b = (byte*)FioMemory.Alloc(64));
        byte* past = b + 64;

        var error = Assert.Throws<ArgumentException>(() => FioMemory.Free(past));
        Assert.Contains($"0x{(nuint)past:X}", error.Message);
        Assert.Contains("nothing was handed out", error.Message);
        Assert.Throws<ArgumentException>(() => { FioMemory.Realloc(past, 64); });

        // The owner's next allocation is where the rejected pointer pointed; it is whole and zeroed, and b is intact.
        owner.Run(() =>
        {
            Bytes.Fill(b, 64, 0x11);
            byte* next = (byte*)FioMemory.Alloc(64);
            Bytes.AssertAll(next, 64, 0);
            Bytes.Fill(next, 64, 0x22);
            Bytes.AssertAll(b, 64, 0x11);
            FioMemory.Free(next);
            FioMemory.Free(b);
        });
    }

    [Fact]
    public void Free_of_the_pointer_one_past_a_retired_blocks_latest_allocation_is_rejected()
    {
        using var owner = new ParkedThread();
        var kept = new List<nint>();
        byte* last = null;
        nuint size = SizeEndingInsideTheBlock();
        owner.Run(() => last = AllocateUntilTheBlockRetires(size, kept));
        byte* past = last + size;
        Assert.True(Block.Of(past) == Block.Of(last));

        Assert.Throws<ArgumentException>(() => FioMemory.Free(past));
        Assert.Throws<ArgumentException>(() => { FioMemory.Realloc(past, 64); });

        // Every real allocation of the retired block still frees, and the block is recycled exactly once.
        foreach (nint p in kept)
            FioMemory.Free((void*)p);
    }

    [Fact]
    public void Free_on_the_slicing_thread_of_the_pointer_one_past_its_retired_blocks_latest_allocation_is_rejected()
    {
        // The same on the thread that sliced the block, whose frees into it are counted in its cache.
        using var owner = new ParkedThread();
        var kept = new List<nint>();
        nuint size = SizeEndingInsideTheBlock();
        owner.Run(() =>
        {
            byte* previous = AllocateUntilTheBlockRetires(size, kept);
            byte* past = previous + size;
            Assert.True(Block.Of(past) == Block.Of(previous));
            // A free of a real allocation first, so the block has frees pending when the bad pointer comes.
            FioMemory.Free((void*)kept[0]);
            Assert.Throws<ArgumentException>(() => FioMemory.Free(past));
            Assert.Throws<ArgumentException>(() => { FioMemory.Realloc(past, 64); });
            // Every real allocation still frees, and the block is recycled exactly once.
            for (int i = 1; i < kept.Count; i++)
                FioMemory.Free((void*)kept[i]);
        });
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void Realloc_from_another_thread_of_the_pointer_past_the_latest_allocation_changes_nothing()
    {
        using var owner = new ParkedThread();
        byte* b = null;
        owner.Run(() =>
        {
            b = (byte*)FioMemory.Alloc(64);
            Bytes.Fill(b, 64, 0x5A);
        });
        Assert.Throws<ArgumentException>(() => { FioMemory.Realloc(b + 64, 64); });
        owner.Run(() =>
        {
            Bytes.AssertAll(b, 64, 0x5A);
            byte* next = (byte*)FioMemory.Alloc(64);
            Assert.True(next >= b + 64, "the next allocation does not overlap b");
            Bytes.AssertAll(next, 64, 0);
            FioMemory.Free(next);
            FioMemory.Free(b);
        });
    }

    // A size whose slices do not fill a block's data exactly, so the end of a block's latest allocation lies inside it.
    private static nuint SizeEndingInsideTheBlock()
    {
        int slices = 3;
        while ((Layout.SlicesPerBlock - Layout.FirstDataSlice) % slices == 0)
            slices++;
        return (nuint)slices * Layout.SliceSize;
    }

    // Allocates (keeping every pointer in kept) until an allocation lands in a new block; returns the one before it,
    // the latest allocation of the block just retired.
    private static byte* AllocateUntilTheBlockRetires(nuint size, List<nint> kept)
    {
        byte* previous = (byte*)FioMemory.Alloc(size);
        kept.Add((nint)previous);
        while (true)
        {
            byte* p = (byte*)FioMemory.Alloc(size);
            kept.Add((nint)p);
            if (Block.Of(p) != Block.Of(previous))
                return previous;
            previous = p;
        }
    }
}
