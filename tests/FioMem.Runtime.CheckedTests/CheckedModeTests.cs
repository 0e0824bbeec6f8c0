// Checked mode: double free, interior free and write after free are named; freed slices are poisoned.
using System;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

public unsafe class CheckedModeTests
{
    [Fact]
    public void Configured_pool_cap_is_read_from_runtimeconfig()
    {
        Assert.Equal(8, FioMemory.GetStatistics().MaxPooledBlocks);
    }

    [Fact]
    public void Double_free_throws_naming_the_address_and_block()
    {
        void* keep = FioMemory.Alloc(32);
        void* p = FioMemory.Alloc(48);
        FioMemory.Free(p);
        var error = Assert.Throws<ArgumentException>(() => FioMemory.Free(p));
        Assert.Contains($"0x{(nuint)p:X}", error.Message);
        Assert.Contains("double free", error.Message);
        Assert.Contains($"block 0x{(nuint)p & ~(nuint)(FioMemory.BlockSize - 1):X}", error.Message);
        FioMemory.Free(keep);
    }

    [Fact]
    public void NativeMemory_memory_goes_back_to_NativeMemory_unpoisoned_and_double_frees_are_still_named()
    {
        // Checked mode poisons FioMem's freed slices only: NativeMemory's memory is resized with its bytes as they were.
        byte* foreign = (byte*)NativeMemory.Alloc(64);
        new Span<byte>(foreign, 64).Fill(0x11);
        byte* grown = (byte*)FioMemory.Realloc(foreign, 4096);
        Assert.True(new ReadOnlySpan<byte>(grown, 64).IndexOfAnyExcept((byte)0x11) < 0);
        FioMemory.Free(grown);
        FioMemory.AlignedFree(NativeMemory.AlignedAlloc(100, 64));

        void* keep = FioMemory.Alloc(32);
        void* p = FioMemory.Alloc(48);
        void* q = FioMemory.Alloc(48);
        FioMemory.Free(p);
        var error = Assert.Throws<ArgumentException>(() => FioMemory.AlignedFree(p));
        Assert.Contains("double free", error.Message);
        FioMemory.Free(q);
        FioMemory.Free(keep);
    }

    [Fact]
    public void Realloc_of_freed_pointer_throws()
    {
        void* keep = FioMemory.Alloc(32);
        void* p = FioMemory.Alloc(48);
        FioMemory.Free(p);
        var error = Assert.Throws<ArgumentException>(() => FioMemory.Realloc(p, 100));
        Assert.Contains("already freed", error.Message);
        FioMemory.Free(keep);
    }

    [Fact]
    public void Freed_slices_are_poisoned()
    {
        byte* keep = (byte*)FioMemory.Alloc(32);
        byte* p = (byte*)FioMemory.Alloc(64);
        FioMemory.Free(p);
        Bytes.AssertAll(p, 64, CheckedMode.Poison);
        FioMemory.Free(keep);
    }

    [Fact]
    public void Write_after_free_is_reported_when_the_block_is_recycled()
    {
        Exception? reported = null;
        nint dangling = 0;
        var thread = new Thread(() =>
        {
            byte* p = (byte*)FioMemory.Alloc(64);
            dangling = (nint)p;
            FioMemory.Free(p);
            p[10] = 42; // the bug: a write through a dangling pointer
            try
            {
                // Fill the thread's block with short-lived allocations until it is retired empty and recycled.
                for (int i = 0; i < 10; i++)
                    FioMemory.Free(FioMemory.Alloc(40_000));
            }
            catch (InvalidOperationException e)
            {
                reported = e;
            }
            // The allocator keeps working after the report.
            void* q = FioMemory.Alloc(64);
            Bytes.AssertAll(q, 64, 0);
            FioMemory.Free(q);
        });
        thread.Start();
        thread.Join();
        Assert.NotNull(reported);
        Assert.Contains($"0x{dangling + 10:X}", reported!.Message);
        Assert.Contains("written after it was freed", reported.Message);
    }
}

/// <summary>Sweeps of exited threads, with checked mode's write-after-free reports in the way.</summary>
[Collection(SerialCollection.Name)]
public unsafe class CheckedSweepTests
{
    [Fact]
    public void A_write_after_free_found_by_a_sweep_does_not_strand_other_exited_threads_blocks()
    {
        FioMemory.Trim();
        long blocksBefore = FioMemory.GetStatistics().BlocksInUse;
        // Clean threads first, then the faulty one: the sweep meets the newest cache first, so the report comes before
        // the clean threads' blocks are retired.
        for (int i = 0; i < 4; i++)
            RunToEnd(() => FioMemory.Free(FioMemory.Alloc(64)));
        RunToEnd(() =>
        {
            byte* p = (byte*)FioMemory.Alloc(64);
            FioMemory.Free(p);
            p[10] = 42; // a write through a dangling pointer, found when the sweep recycles the block
        });
        Assert.True(FioMemory.GetStatistics().BlocksInUse >= blocksBefore + 5);

        var reported = Assert.Throws<InvalidOperationException>(FioMemory.Trim);
        FioMemory.Trim();

        Assert.Contains("written after it was freed", reported.Message);
        Assert.Equal(blocksBefore, FioMemory.GetStatistics().BlocksInUse);
    }

    [Fact]
    public void A_write_after_free_found_by_the_idle_trim_is_reported_by_the_next_Trim()
    {
        FioMemory.Trim();
        long blocksBefore = FioMemory.GetStatistics().BlocksInUse;
        RunToEnd(() =>
        {
            byte* p = (byte*)FioMemory.Alloc(64);
            FioMemory.Free(p);
            p[10] = 42;
        });

        // The idle trim runs on a timer or finalizer thread: it takes the block back and keeps the report.
        IdleTrim.TrimNow(all: false);
        Assert.Equal(blocksBefore, FioMemory.GetStatistics().BlocksInUse);

        var reported = Assert.Throws<InvalidOperationException>(FioMemory.Trim);
        Assert.Contains("written after it was freed", reported.Message);
        FioMemory.Trim();
    }

    private static void RunToEnd(Action body)
    {
        var thread = new Thread(() => body());
        thread.Start();
        thread.Join();
    }
}
