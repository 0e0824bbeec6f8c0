// A second free of an allocation is rejected with an ArgumentException in every mode, on the thread that allocated it
// or another, before it changes any count; the allocator goes on as if it had not been called.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace FioMem.Tests;

/// <summary>
/// Serial: a rejected second free must not meet another test's allocation at the same address, which it could if a
/// block emptied here were sliced again by a test running beside it.
/// </summary>
[Collection(SerialCollection.Name)]
public unsafe class DoubleFreeTests
{
    private static void AssertDoubleFree(Action free, void* ptr)
    {
        var error = Assert.Throws<ArgumentException>(free);
        Assert.Contains($"0x{(nuint)ptr:X}", error.Message);
        Assert.Equal("ptr", error.ParamName);
    }

    [Fact]
    public void A_non_latest_allocation_freed_twice_on_its_thread_is_rejected()
    {
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)FioMemory.Alloc(64);
        FioMemory.Free(a);
        AssertDoubleFree(() => FioMemory.Free(a), a);
        AssertDoubleFree(() => FioMemory.AlignedFree(a), a);
        AssertDoubleFree(() => FioMemory.Realloc(a, 200), a);
        FioMemory.Free(b);
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void A_non_latest_allocation_freed_twice_on_another_thread_is_rejected()
    {
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)FioMemory.Alloc(64);
        OnAnotherThread(() => FioMemory.Free(a));
        OnAnotherThread(() => AssertDoubleFree(() => FioMemory.Free(a), a));
        FioMemory.Free(b);
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void An_allocation_freed_on_another_thread_then_on_its_own_is_rejected()
    {
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)FioMemory.Alloc(64);
        OnAnotherThread(() => FioMemory.Free(a));
        AssertDoubleFree(() => FioMemory.Free(a), a);
        FioMemory.Free(b);
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void An_allocation_freed_on_its_own_thread_then_on_another_is_rejected()
    {
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)FioMemory.Alloc(64);
        FioMemory.Free(a);
        OnAnotherThread(() => AssertDoubleFree(() => FioMemory.Free(a), a));
        FioMemory.Free(b);
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void The_latest_allocation_freed_on_another_thread_then_on_its_own_is_rejected()
    {
        // The thread's latest allocation: its own free would step the bump pointer back over it.
        byte* keep = (byte*)FioMemory.Alloc(48);
        byte* p = (byte*)FioMemory.Alloc(32);
        OnAnotherThread(() => FioMemory.Free(p));
        AssertDoubleFree(() => FioMemory.Free(p), p);
        // Nothing was stepped back over: the next allocation does not land on the freed one.
        byte* next = (byte*)FioMemory.Alloc(32);
        Assert.NotEqual((nuint)p, (nuint)next);
        FioMemory.Free(next);
        FioMemory.Free(keep);
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void The_latest_allocation_freed_on_its_thread_then_on_another_is_rejected()
    {
        byte* keep = (byte*)FioMemory.Alloc(48);
        byte* p = (byte*)FioMemory.Alloc(32);
        FioMemory.Free(p);
        OnAnotherThread(() => AssertDoubleFree(() => FioMemory.Free(p), p));
        FioMemory.Free(keep);
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void An_allocation_freed_twice_in_a_retired_block_is_rejected_and_the_block_stays_pinned()
    {
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)FioMemory.Alloc(64);
        byte* c = (byte*)FioMemory.Alloc(64);
        Bytes.Fill(b, 64, 0xCC);
        // Retire the block: the next allocations take new ones.
        var filler = new List<nint>();
        for (int i = 0; i < 4; i++)
            filler.Add((nint)FioMemory.Alloc(40_000));
        // Freed first on the thread that sliced the block, then on it again and on another.
        FioMemory.Free(a);
        AssertDoubleFree(() => FioMemory.Free(a), a);
        OnAnotherThread(() => AssertDoubleFree(() => FioMemory.Free(a), a));
        // Freed first on another thread, then on the one that sliced the block.
        OnAnotherThread(() => FioMemory.Free(c));
        AssertDoubleFree(() => FioMemory.Free(c), c);
        OnAnotherThread(() => AssertDoubleFree(() => FioMemory.Free(c), c));
        // Had the count dropped twice, b's block would now be recycled and handed out again.
        AssertWorkloadRunsIntact();
        Bytes.AssertAll(b, 64, 0xCC);
        FioMemory.Free(b);
        foreach (nint p in filler)
            FioMemory.Free((void*)p);
    }

    [Fact]
    public void The_old_pointer_of_a_moved_realloc_cannot_be_freed()
    {
        byte* p = (byte*)FioMemory.Alloc(32);
        byte* after = (byte*)FioMemory.Alloc(32);
        byte* moved = (byte*)FioMemory.Realloc(p, 4000);
        Assert.NotEqual((nuint)p, (nuint)moved);
        AssertDoubleFree(() => FioMemory.Free(p), p);
        OnAnotherThread(() => AssertDoubleFree(() => FioMemory.Free(p), p));
        AssertDoubleFree(() => FioMemory.Realloc(p, 10), p);

        // Moved on another thread: the old pointer freed there by the move.
        byte* q = (byte*)FioMemory.Alloc(32);
        byte* qMoved = null;
        OnAnotherThread(() => qMoved = (byte*)FioMemory.Realloc(q, 4000));
        AssertDoubleFree(() => FioMemory.Free(q), q);
        FioMemory.Free(qMoved);
        FioMemory.Free(moved);
        FioMemory.Free(after);
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void A_large_allocation_freed_twice_is_rejected()
    {
        void* p = FioMemory.Alloc(100_000);
        OnAnotherThread(() => FioMemory.Free(p));
        AssertDoubleFree(() => FioMemory.Free(p), p);
        OnAnotherThread(() => AssertDoubleFree(() => FioMemory.Free(p), p));
        AssertWorkloadRunsIntact();
    }

    [Fact]
    public void Random_frees_with_double_frees_mixed_in_leave_every_live_allocation_intact()
    {
        var random = new Random(20261207);
        var live = new List<(nint Ptr, int Size, byte Pattern)>();
        var freed = new List<nint>();
        using var other = new ParkedThread();
        int rejected = 0;
        for (int step = 0; step < 20_000; step++)
        {
            int op = random.Next(10);
            if (op < 5 || live.Count == 0)
            {
                int size = random.Next(1, 3000);
                byte pattern = (byte)random.Next(1, 256);
                byte* p = (byte*)FioMemory.Alloc((nuint)size);
                Bytes.Fill(p, (nuint)size, pattern);
                live.Add(((nint)p, size, pattern));
                freed.Remove((nint)p);
            }
            else if (op < 8)
            {
                int index = random.Next(live.Count);
                (nint ptr, int size, byte pattern) = live[index];
                live[index] = live[^1];
                live.RemoveAt(live.Count - 1);
                Bytes.AssertAll((void*)ptr, (nuint)size, pattern);
                if (random.Next(2) == 0)
                    FioMemory.Free((void*)ptr);
                else
                    other.Run(() => FioMemory.Free((void*)ptr));
                freed.Add(ptr);
            }
            else if (freed.Count > 0)
            {
                // A second free of a pointer no live allocation has taken over, in a block a live allocation keeps
                // from being recycled (or a stale pointer into a recycled block could meet another thread's allocation).
                nint ptr = freed[random.Next(freed.Count)];
                if (!BlockHasLive(live, ptr))
                    continue;
                Action free = () => Assert.Throws<ArgumentException>(() => FioMemory.Free((void*)ptr));
                if (random.Next(2) == 0)
                    free();
                else
                    other.Run(free);
                rejected++;
            }
        }
        Assert.True(rejected > 1000, $"{rejected} double frees tried");
        foreach ((nint ptr, int size, byte pattern) in live)
        {
            Bytes.AssertAll((void*)ptr, (nuint)size, pattern);
            FioMemory.Free((void*)ptr);
        }
        AssertWorkloadRunsIntact();
    }

    private static bool BlockHasLive(List<(nint Ptr, int Size, byte Pattern)> live, nint ptr)
    {
        nint block = ptr & ~(nint)(FioMemory.BlockSize - 1);
        foreach ((nint p, _, _) in live)
        {
            if ((p & ~(nint)(FioMemory.BlockSize - 1)) == block)
                return true;
        }
        return false;
    }

    private static void OnAnotherThread(Action action) => Task.Factory.StartNew(action, TaskCreationOptions.LongRunning).GetAwaiter().GetResult();

    /// <summary>
    /// Threads allocate, write a pattern of their own, hand half of their allocations to a neighbour to free, and check
    /// every byte before each free: an allocation recycled under a live one shows up as another thread's pattern.
    /// </summary>
    internal static void AssertWorkloadRunsIntact()
    {
        const int Threads = 4;
        const int PerThread = 3000;
        var handed = new System.Collections.Concurrent.BlockingCollection<(nint Ptr, int Size, byte Pattern)>[Threads];
        for (int t = 0; t < Threads; t++)
            handed[t] = new();
        var workers = new Task[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int id = t;
            workers[t] = Task.Factory.StartNew(() =>
            {
                var random = new Random(id);
                var mine = new List<(nint Ptr, int Size, byte Pattern)>();
                byte pattern = (byte)(0x11 * (id + 1));
                for (int i = 0; i < PerThread; i++)
                {
                    int size = random.Next(1, 2000);
                    byte* p = (byte*)FioMemory.Alloc((nuint)size);
                    Bytes.AssertAll(p, (nuint)size, 0);
                    Bytes.Fill(p, (nuint)size, pattern);
                    if ((i & 1) == 0)
                        handed[(id + 1) % Threads].Add(((nint)p, size, pattern));
                    else
                        mine.Add(((nint)p, size, pattern));
                    if (mine.Count > 64)
                    {
                        (nint ptr, int s, byte b) = mine[0];
                        mine.RemoveAt(0);
                        Bytes.AssertAll((void*)ptr, (nuint)s, b);
                        FioMemory.Free((void*)ptr);
                    }
                }
                handed[(id + 1) % Threads].CompleteAdding();
                foreach ((nint ptr, int s, byte b) in handed[id].GetConsumingEnumerable())
                {
                    Bytes.AssertAll((void*)ptr, (nuint)s, b);
                    FioMemory.Free((void*)ptr);
                }
                foreach ((nint ptr, int s, byte b) in mine)
                {
                    Bytes.AssertAll((void*)ptr, (nuint)s, b);
                    FioMemory.Free((void*)ptr);
                }
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(workers);
    }
}
