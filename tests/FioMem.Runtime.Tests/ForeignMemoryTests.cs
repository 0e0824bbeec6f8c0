// Memory FioMem did not allocate: Free, AlignedFree, Realloc and AlignedRealloc hand it to the matching NativeMemory
// call; what no allocator handed out is still rejected, naming the pointer.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace FioMem.Tests;

public unsafe class ForeignMemoryTests
{
    private static readonly nuint s_mallocAlignment = (nuint)(2 * sizeof(nint));

    /// <summary>A live FioMem allocation with a pattern, to check that handing memory to NativeMemory leaves it be.</summary>
    private static byte* Witness(out nuint size)
    {
        size = 200;
        byte* p = (byte*)FioMemory.Alloc(size);
        Bytes.Fill(p, size, 0x5A);
        return p;
    }

    private static void FreeWitness(byte* p, nuint size)
    {
        Bytes.AssertAll(p, size, 0x5A);
        FioMemory.Free(p);
    }

    [Fact]
    public void Free_takes_back_NativeMemory_Alloc_and_AllocZeroed_memory()
    {
        byte* witness = Witness(out nuint size);
        long before = FioMemory.GetStatistics().NativeMemoryHandoffs;

        FioMemory.Free(NativeMemory.Alloc(64));
        FioMemory.Free(NativeMemory.Alloc(0));
        FioMemory.Free(NativeMemory.AllocZeroed(1000));
        FioMemory.Free(NativeMemory.Alloc(10, 24));
        FioMemory.Free(NativeMemory.Alloc(1 << 20)); // the C allocator maps this one apart

        Assert.True(FioMemory.GetStatistics().NativeMemoryHandoffs >= before + 5);
        FreeWitness(witness, size);
        BadInputTests.AssertAllocatorWorks();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(65536)]
    public void AlignedFree_takes_back_NativeMemory_AlignedAlloc_memory(int alignment)
    {
        byte* witness = Witness(out nuint size);
        byte* p = (byte*)NativeMemory.AlignedAlloc(300, (nuint)alignment);
        Bytes.Fill(p, 300, 1);
        FioMemory.AlignedFree(p);
        FioMemory.AlignedFree(NativeMemory.AlignedAlloc(0, (nuint)alignment));
        FreeWitness(witness, size);
        BadInputTests.AssertAllocatorWorks();
    }

    [Theory]
    [InlineData(64, 1000)]
    [InlineData(1000, 64)]
    [InlineData(100, 200_000)]
    [InlineData(200_000, 100)]
    public void Realloc_resizes_NativeMemory_memory_and_keeps_its_content(int from, int to)
    {
        byte* p = (byte*)NativeMemory.Alloc((nuint)from);
        for (int i = 0; i < from; i++)
            p[i] = (byte)(i * 7 + 1);

        byte* q = (byte*)FioMemory.Realloc(p, (nuint)to);

        Assert.True(q != null);
        Assert.Equal(0u, (nuint)q % s_mallocAlignment);
        for (int i = 0; i < Math.Min(from, to); i++)
            Assert.Equal((byte)(i * 7 + 1), q[i]);
        q[to - 1] = 3; // all of it is writable
        // The result is NativeMemory's: NativeMemory can free it, and so can FioMem (here the first).
        NativeMemory.Free(q);
        BadInputTests.AssertAllocatorWorks();
    }

    [Fact]
    public void Realloc_result_of_NativeMemory_memory_stays_NativeMemorys_and_FioMem_frees_it()
    {
        byte* p = (byte*)NativeMemory.AllocZeroed(32);
        p[0] = 42;
        byte* q = (byte*)FioMemory.Realloc(p, 5000);
        q = (byte*)FioMemory.Realloc(q, 10);
        Assert.Equal(42, q[0]);
        // Neither FioMem's blocks nor its large allocations hold it: the figures did not move for it.
        Assert.False(AddressSpace.OwnsBlockOf(q));
        FioMemory.Free(q);
        BadInputTests.AssertAllocatorWorks();
    }

    [Theory]
    [InlineData(256, 512, 100)]
    [InlineData(256, 64, 10)]
    [InlineData(256, 300, 0)]
    [InlineData(256, 300, 256)]
    [InlineData(256, 100, 1000)]
    public void Realloc_with_a_copy_length_zeroes_past_it_in_NativeMemory_memory(int from, int to, int copyLength)
    {
        byte* p = (byte*)NativeMemory.Alloc((nuint)from);
        Bytes.Fill(p, (nuint)from, 0xAB);

        byte* q = (byte*)FioMemory.Realloc(p, (nuint)to, (nuint)copyLength);

        int kept = Math.Min(Math.Min(from, to), copyLength);
        Bytes.AssertAll(q, (nuint)kept, 0xAB);
        // Everything from min(copyLength, byteCount) on reads as zero.
        int zeroFrom = Math.Min(copyLength, to);
        Bytes.AssertAll(q + zeroFrom, (nuint)(to - zeroFrom), 0);
        FioMemory.Free(q);
    }

    [Theory]
    [InlineData(8, 100, 5000)]
    [InlineData(64, 100, 5000)]
    [InlineData(64, 5000, 100)]
    [InlineData(4096, 100, 200_000)]
    public void AlignedRealloc_resizes_NativeMemory_AlignedAlloc_memory(int alignment, int from, int to)
    {
        byte* p = (byte*)NativeMemory.AlignedAlloc((nuint)from, (nuint)alignment);
        for (int i = 0; i < from; i++)
            p[i] = (byte)(i + 5);

        byte* q = (byte*)FioMemory.AlignedRealloc(p, (nuint)to, (nuint)alignment);

        Assert.Equal(0u, (nuint)q % (nuint)alignment);
        for (int i = 0; i < Math.Min(from, to); i++)
            Assert.Equal((byte)(i + 5), q[i]);
        FioMemory.AlignedFree(q);
        BadInputTests.AssertAllocatorWorks();
    }

    [Fact]
    public void AlignedRealloc_still_checks_the_alignment_first()
    {
        void* p = NativeMemory.AlignedAlloc(64, 64);
        try
        {
            var error = Assert.Throws<ArgumentException>(() => FioMemory.AlignedRealloc(p, 128, 48));
            Assert.Equal("alignment", error.ParamName);
        }
        finally
        {
            NativeMemory.AlignedFree(p);
        }
    }

    [Fact]
    public void Many_NativeMemory_allocations_are_freed_and_reallocated_on_other_threads_beside_FioMem_ones()
    {
        const int PerThread = 4000;
        const int Threads = 4;
        var failures = new List<Exception>();
        long before = FioMemory.GetStatistics().NativeMemoryHandoffs;
        // Allocated on this thread, released on the workers: some freed, some reallocated then freed, some through the
        // aligned pair; each worker mixes in FioMem allocations of its own and checks they keep their bytes.
        var foreign = new nint[Threads][];
        for (int t = 0; t < Threads; t++)
        {
            foreign[t] = new nint[PerThread];
            for (int i = 0; i < PerThread; i++)
            {
                nuint size = (nuint)(16 + (i * 37 % 1000));
                byte* p = (byte*)(i % 3 == 2 ? NativeMemory.AlignedAlloc(size, 32) : NativeMemory.Alloc(size));
                p[0] = (byte)i;
                foreign[t][i] = (nint)p;
            }
        }

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            try
            {
                var own = new List<nint>();
                for (int i = 0; i < PerThread; i++)
                {
                    byte* p = (byte*)foreign[t][i];
                    if (p[0] != (byte)i)
                        throw new InvalidOperationException($"foreign allocation {i} lost its first byte");
                    switch (i % 3)
                    {
                        case 0:
                            FioMemory.Free(p);
                            break;
                        case 1:
                            byte* q = (byte*)FioMemory.Realloc(p, 4000);
                            if (q[0] != (byte)i)
                                throw new InvalidOperationException($"Realloc of foreign allocation {i} lost its content");
                            FioMemory.Free(q);
                            break;
                        default:
                            byte* r = (byte*)FioMemory.AlignedRealloc(p, 100, 32);
                            if (r[0] != (byte)i || (nuint)r % 32 != 0)
                                throw new InvalidOperationException($"AlignedRealloc of foreign allocation {i} went wrong");
                            FioMemory.AlignedFree(r);
                            break;
                    }
                    byte* mine = (byte*)FioMemory.Alloc((nuint)(1 + i % 500));
                    mine[0] = (byte)(t + 1);
                    own.Add((nint)mine);
                    if (own.Count == 64)
                        FreeOwn(own, t);
                }
                FreeOwn(own, t);
            }
            catch (Exception e)
            {
                lock (failures)
                    failures.Add(e);
            }
        });

        Assert.Empty(failures);

        static void FreeOwn(List<nint> own, int t)
        {
            foreach (nint m in own)
            {
                if (((byte*)m)[0] != (byte)(t + 1))
                    throw new InvalidOperationException($"FioMem allocation 0x{m:X} lost its byte");
                FioMemory.Free((void*)m);
            }
            own.Clear();
        }

        // Each one handed to NativeMemory once for Free, twice for Realloc or AlignedRealloc then a free.
        Assert.True(FioMemory.GetStatistics().NativeMemoryHandoffs - before >= Threads * PerThread);
        BadInputTests.AssertAllocatorWorks();
    }

    [Fact]
    public void NativeMemory_allocation_freed_by_FioMem_on_another_thread()
    {
        void* p = NativeMemory.Alloc(48);
        var thread = new Thread(() => FioMemory.Free(p));
        thread.Start();
        thread.Join();
        void* q = NativeMemory.AlignedAlloc(48, 64);
        Exception? failure = null;
        thread = new Thread(() =>
        {
            try
            {
                q = FioMemory.AlignedRealloc(q, 96, 64);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        FioMemory.AlignedFree(q);
    }

    /// <summary>A 16-byte-aligned address on this thread's stack, so only the stack check can reject it.</summary>
    private static void* AlignedStackAddress(byte* buffer) => (void*)(((nuint)buffer + 15) & ~(nuint)15);

    [Fact]
    public void Stack_pointers_are_rejected_by_every_release_naming_the_address()
    {
        byte* buffer = stackalloc byte[64];
        void* p = AlignedStackAddress(buffer);
        BadInputTests.AssertRejected(() => FioMemory.Free(p), p, "stack");
        BadInputTests.AssertRejected(() => FioMemory.AlignedFree(p), p, "stack");
        BadInputTests.AssertRejected(() => FioMemory.Realloc(p, 100), p, "stack");
        BadInputTests.AssertRejected(() => FioMemory.Realloc(p, 100, 10), p, "stack");
        BadInputTests.AssertRejected(() => FioMemory.AlignedRealloc(p, 100, 16), p, "stack");
    }

    [Fact]
    public void Stack_pointers_are_rejected_on_a_thread_of_its_own()
    {
        // The stack bounds are read per thread: a new thread reads its own.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                byte* buffer = stackalloc byte[64];
                void* p = AlignedStackAddress(buffer);
                BadInputTests.AssertRejected(() => FioMemory.Free(p), p, "stack");
                FioMemory.Free(NativeMemory.Alloc(32));
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
    public void Pointers_not_aligned_as_NativeMemory_allocations_are_rejected()
    {
        byte* p = (byte*)NativeMemory.Alloc(256);
        try
        {
            // Free and Realloc: every Alloc result is aligned on twice a pointer's size.
            byte* half = p + sizeof(nint);
            BadInputTests.AssertRejected(() => FioMemory.Free(half), half, $"not aligned on {2 * sizeof(nint)} bytes");
            BadInputTests.AssertRejected(() => FioMemory.Realloc(half, 512), half, $"not aligned on {2 * sizeof(nint)} bytes");
            BadInputTests.AssertRejected(() => FioMemory.Realloc(half, 512, 8), half, $"not aligned on {2 * sizeof(nint)} bytes");
            // The aligned pair: every AlignedAlloc result is aligned on at least a pointer's size.
            byte* odd = p + 2 * sizeof(nint) + 2;
            BadInputTests.AssertRejected(() => FioMemory.AlignedFree(odd), odd, $"not aligned on {sizeof(nint)} bytes");
            BadInputTests.AssertRejected(() => FioMemory.AlignedRealloc(odd, 64, 8), odd, $"not aligned on {sizeof(nint)} bytes");
            Bytes.Fill(p, 256, 9); // still live and whole
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    [Fact]
    public void FioMem_checks_inside_its_blocks_are_unchanged()
    {
        byte* keep = (byte*)FioMemory.Alloc(48);
        byte* p = (byte*)FioMemory.Alloc(256);
        // Interior pointer, aligned as NativeMemory's would be: still FioMem's to name.
        BadInputTests.AssertRejected(() => FioMemory.Free(p + 64), p + 64, "interior pointer");
        BadInputTests.AssertRejected(() => FioMemory.AlignedFree(p + 64), p + 64, "interior pointer");
        BadInputTests.AssertRejected(() => FioMemory.Realloc(p + 64, 10), p + 64, "interior pointer");
        BadInputTests.AssertRejected(() => FioMemory.AlignedRealloc(p + 64, 10, 16), p + 64, "interior pointer");
        // One past the latest allocation.
        var error = Assert.Throws<ArgumentException>(() => FioMemory.AlignedFree(p + 256));
        Assert.Contains($"0x{(nuint)(p + 256):X}", error.Message);
        // The latest allocation freed twice, through either free.
        FioMemory.AlignedFree(p);
        error = Assert.Throws<ArgumentException>(() => FioMemory.AlignedFree(p));
        Assert.Contains($"0x{(nuint)p:X}", error.Message);
        error = Assert.Throws<ArgumentException>(() => FioMemory.Free(p));
        Assert.Contains($"0x{(nuint)p:X}", error.Message);
        Bytes.AssertAll(keep, 48, 0);
        FioMemory.Free(keep);
        BadInputTests.AssertAllocatorWorks();
    }
}

/// <summary>
/// A second free of a large allocation, mapped page by page: its pages went back, so nothing is mapped there and the
/// free is rejected. Serial: no other test may map memory at that address in between.
/// </summary>
[Collection(SerialCollection.Name)]
public unsafe class LargeDoubleFreeTests
{
    [Fact]
    public void Second_free_of_a_large_allocation_finds_no_memory_there_and_is_rejected()
    {
        void* p = FioMemory.Alloc(100_000);
        long large = FioMemory.GetStatistics().LargeAllocations;
        FioMemory.Free(p);
        long handoffs = FioMemory.GetStatistics().NativeMemoryHandoffs;
        BadInputTests.AssertRejected(() => FioMemory.Free(p), p, "no memory is mapped there");
        BadInputTests.AssertRejected(() => FioMemory.AlignedFree(p), p, "no memory is mapped there");
        BadInputTests.AssertRejected(() => FioMemory.Realloc(p, 10), p, "no memory is mapped there");
        Assert.Equal(handoffs, FioMemory.GetStatistics().NativeMemoryHandoffs);
        Assert.Equal(large - 1, FioMemory.GetStatistics().LargeAllocations);
    }

    [Fact]
    public void NativeMemory_handoffs_are_counted_and_published()
    {
        long before = FioMemory.GetStatistics().NativeMemoryHandoffs;
        FioMemory.Free(NativeMemory.Alloc(10));
        void* p = FioMemory.Realloc(NativeMemory.Alloc(10), 20);
        FioMemory.AlignedFree(NativeMemory.AlignedAlloc(10, 64));
        Assert.Equal(before + 3, FioMemory.GetStatistics().NativeMemoryHandoffs);
        FioMemory.Free(p);
        Assert.Equal(before + 4, FioMemory.GetStatistics().NativeMemoryHandoffs);
        // FioMem's own memory is never counted.
        FioMemory.Free(FioMemory.Alloc(10));
        FioMemory.Free(FioMemory.Alloc(100_000));
        Assert.Equal(before + 4, FioMemory.GetStatistics().NativeMemoryHandoffs);
        Assert.Contains("fiomem.native_memory.handoffs", FioMemoryMetrics.InstrumentNames);
    }

    [Fact]
    public void AlignedFree_frees_FioMem_memory_of_every_kind_without_NativeMemory()
    {
        FioMemoryStatistics before = FioMemory.GetStatistics();
        byte* small = (byte*)FioMemory.AlignedAlloc(100, 64);
        void* large = FioMemory.AlignedAlloc(200_000, 64);
        void* veryAligned = FioMemory.AlignedAlloc(100, 1 << 16);
        void* longLived = FioMemory.AllocLongLived(100);
        void* longLivedPages = FioMemory.AllocLongLived(100_000);
        byte* keep = (byte*)FioMemory.Alloc(16);
        FioMemoryStatistics live = FioMemory.GetStatistics();
        Assert.Equal(before.LargeAllocations + 2, live.LargeAllocations);
        Assert.Equal(before.LongLivedAllocations + 2, live.LongLivedAllocations);

        FioMemory.AlignedFree(small);
        FioMemory.AlignedFree(large);
        FioMemory.AlignedFree(veryAligned);
        FioMemory.AlignedFree(longLived);
        FioMemory.AlignedFree(longLivedPages);

        FioMemoryStatistics after = FioMemory.GetStatistics();
        Assert.Equal(before.LargeAllocations, after.LargeAllocations);
        Assert.Equal(before.LongLivedAllocations, after.LongLivedAllocations);
        Assert.Equal(before.NativeMemoryHandoffs, after.NativeMemoryHandoffs);
        // One past the latest allocation is still FioMem's to name through AlignedFree, not NativeMemory's.
        BadInputTests.AssertRejected(() => FioMemory.AlignedFree(keep + 16), keep + 16, "nothing was handed out");
        FioMemory.Free(keep);
    }
}
