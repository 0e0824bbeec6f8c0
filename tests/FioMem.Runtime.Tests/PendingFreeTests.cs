// A thread's frees into a block it sliced and retired are counted in its cache and taken off the block's count
// together: the block is still recycled once it is empty, at the latest when the thread settles them.
using System;
using System.Collections.Generic;
using Xunit;

namespace FioMem.Tests;

/// <summary>Serial: the tests follow one block's state between steps.</summary>
[Collection(SerialCollection.Name)]
public unsafe class PendingFreeTests
{
    private static bool Checked => FioMemory.GetStatistics().CheckedMode;

    /// <summary>The block's state, or null once it no longer exists (a portable block given back).</summary>
    private static BlockState? StateOf(nint block)
    {
        var found = (Block: (nuint)block, State: (BlockState?)null);
        AddressSpace.VisitBlocks(ref found, static (ref (nuint Block, BlockState? State) found, byte* visited) =>
        {
            if ((nuint)visited == found.Block)
                found.State = (BlockState)System.Threading.Volatile.Read(ref Block.Header(visited)->State);
        });
        return found.State;
    }

    private static nint BlockOf(void* p) => (nint)p & ~(nint)(FioMemory.BlockSize - 1);

    /// <summary>
    /// On <paramref name="thread"/> (new): fills the start of its first block with three 64-byte allocations and what
    /// else fits of 40,000-byte ones (<c>First</c>), then goes on until a second block is retired too (<c>Others</c>: its
    /// first three lie in that second block, the last in the thread's current one).
    /// </summary>
    private static (List<nint> First, List<nint> Others) AllocateTwoRetiredBlocks(ParkedThread thread)
    {
        var first = new List<nint>();
        var rest = new List<nint>();
        thread.Run(() =>
        {
            for (int i = 0; i < 3; i++)
                first.Add((nint)FioMemory.Alloc(64));
            while (rest.Count < 4)
            {
                nint p = (nint)FioMemory.Alloc(40_000);
                (BlockOf((void*)p) == BlockOf((void*)first[0]) ? first : rest).Add(p);
            }
        });
        Assert.Equal(BlockOf((void*)rest[0]), BlockOf((void*)rest[2]));
        Assert.NotEqual(BlockOf((void*)rest[0]), BlockOf((void*)rest[3]));
        return (first, rest);
    }

    private static void FreeAll(IEnumerable<nint> pointers)
    {
        foreach (nint p in pointers)
            FioMemory.Free((void*)p);
    }

    [Fact]
    public void The_last_free_into_a_retired_block_on_its_thread_recycles_it()
    {
        using var thread = new ParkedThread();
        var (first, rest) = AllocateTwoRetiredBlocks(thread);
        nint block = BlockOf((void*)first[0]);
        thread.Run(() =>
        {
            FreeAll(first.GetRange(0, first.Count - 1));
            Assert.Equal(BlockState.Retired, StateOf(block));
            FioMemory.Free((void*)first[^1]);
            // Recycled at once: pooled, given back, or already taken by another thread.
            Assert.NotEqual(BlockState.Retired, StateOf(block));
            FreeAll(rest);
        });
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void A_block_emptied_by_another_thread_while_its_slicer_has_frees_pending_is_recycled_when_they_are_settled()
    {
        using var thread = new ParkedThread();
        var (first, rest) = AllocateTwoRetiredBlocks(thread);
        nint block = BlockOf((void*)first[0]);
        thread.Run(() => FreeAll(first.GetRange(0, first.Count - 1)));
        FioMemory.Free((void*)first[^1]);
        if (!Checked)
        {
            // Empty, but the slicer's frees are still counted in its cache: nothing live pins it.
            Assert.Equal(BlockState.Retired, StateOf(block));
            Assert.DoesNotContain(FioMemory.GetPinnedBlocks(), b => b.Address == block);
            thread.Run(FioMemory.Trim);
        }
        Assert.NotEqual(BlockState.Retired, StateOf(block));
        thread.Run(() => FreeAll(rest));
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void Frees_pending_when_their_thread_exits_are_settled_by_the_sweep_of_exited_threads()
    {
        List<nint> first, rest;
        using (var thread = new ParkedThread())
        {
            (first, rest) = AllocateTwoRetiredBlocks(thread);
            thread.Run(() => FreeAll(first.GetRange(0, first.Count - 1)));
        }
        nint block = BlockOf((void*)first[0]);
        FioMemory.Free((void*)first[^1]);
        FreeAll(rest);
        // (Another test's Trim() may have swept the thread already.)
        FioMemory.Trim();
        Assert.NotEqual(BlockState.Retired, StateOf(block));
        Assert.Empty(BlockValidator.Validate());
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void Too_many_frees_found_by_the_idle_trim_in_an_exited_threads_pending_count_are_reported_by_the_next_Trim()
    {
        if (Checked)
            return; // checked mode counts no frees in the thread
        List<nint> first, rest;
        using (var thread = new ParkedThread())
        {
            (first, rest) = AllocateTwoRetiredBlocks(thread);
            thread.Run(() =>
            {
                FreeAll(first.GetRange(0, first.Count - 1));
                // Two frees more than the block has left: what two frees of one allocation at the same moment, on this
                // thread and on another, can leave behind when neither sees the other's freed bit.
                ThreadCache.Current!.PendingFrees += 2;
            });
        }
        FreeAll(rest);

        // Nobody called for the idle trim's sweep (a timer or finalizer thread): it keeps what it finds.
        IdleTrim.TrimNow(all: false);
        var reported = Assert.Throws<InvalidOperationException>(FioMemory.Trim);

        Assert.Contains("more frees than allocations", reported.Message);
        nint block = BlockOf((void*)first[0]);
        Assert.Equal(BlockState.Retired, StateOf(block));
        FioMemory.Trim(); // reported once

        // The block was kept out of use with its count at zero. The frees stood for were made up: its last allocation
        // is live, so the count is put back to one and the allocation freed, which recycles the block (and leaves it
        // consistent for the block validator of later tests).
        System.Threading.Interlocked.Increment(ref Block.Header((byte*)block)->References);
        FioMemory.Free((void*)first[^1]);
        Assert.NotEqual(BlockState.Retired, StateOf(block));
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }

    [Fact]
    public void A_free_into_another_retired_block_settles_the_frees_pending_for_the_first()
    {
        using var thread = new ParkedThread();
        var (first, rest) = AllocateTwoRetiredBlocks(thread);
        nint block = BlockOf((void*)first[0]);
        thread.Run(() => FreeAll(first.GetRange(0, first.Count - 1)));
        FioMemory.Free((void*)first[^1]);
        if (!Checked)
            Assert.Equal(BlockState.Retired, StateOf(block));
        // rest[0] lies in the second block the thread retired.
        thread.Run(() => FioMemory.Free((void*)rest[0]));
        Assert.NotEqual(BlockState.Retired, StateOf(block));
        thread.Run(() => FreeAll(rest.GetRange(1, rest.Count - 1)));
        DoubleFreeTests.AssertWorkloadRunsIntact();
    }
}
