// NativeMemory's aligned family: every power-of-two alignment, zeroed, released by AlignedFree or Free.
using System;
using System.Collections.Generic;
using Xunit;

namespace FioMem.Tests;

public unsafe class AlignedAllocTests
{
    public static IEnumerable<object[]> Alignments()
    {
        for (int shift = 0; shift <= 16; shift++)
            yield return [(nuint)1 << shift];
        yield return [(nuint)1 << 21];
    }

    [Theory]
    [MemberData(nameof(Alignments))]
    public void Every_power_of_two_alignment_gives_an_aligned_zeroed_allocation(nuint alignment)
    {
        foreach (nuint size in new nuint[] { 0, 1, 16, 100, 256, 4096, 40_000, 100_000 })
        {
            var pointers = new List<nint>();
            // Several in a row, after an odd-sized one, so the aligned start is not the bump pointer by chance.
            byte* odd = (byte*)FioMemory.Alloc(48);
            for (int i = 0; i < 4; i++)
            {
                byte* p = (byte*)FioMemory.AlignedAlloc(size, alignment);
                Assert.True(p != null);
                Assert.Equal(0u, (nuint)p % alignment);
                Assert.Equal(0u, (nuint)p % FioMemory.Alignment);
                Bytes.AssertAll(p, size, 0);
                Bytes.Fill(p, size, 0xA5);
                pointers.Add((nint)p);
            }
            Bytes.AssertAll(odd, 48, 0);
            for (int i = 0; i < pointers.Count; i++)
            {
                Bytes.AssertAll((void*)pointers[i], size, 0xA5);
                if (i % 2 == 0)
                    FioMemory.AlignedFree((void*)pointers[i]);
                else
                    FioMemory.Free((void*)pointers[i]);
            }
            FioMemory.Free(odd);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(24)]
    [InlineData(100)]
    public void A_non_power_of_two_alignment_is_rejected(int alignment)
    {
        var error = Assert.Throws<ArgumentException>(() => { FioMemory.AlignedAlloc(64, (nuint)alignment); });
        Assert.Equal("alignment", error.ParamName);
        byte* p = (byte*)FioMemory.Alloc(16);
        Assert.Throws<ArgumentException>(() => { FioMemory.AlignedRealloc(p, 64, (nuint)alignment); });
        Bytes.AssertAll(p, 16, 0);
        FioMemory.Free(p);
    }

    [Fact]
    public void Memory_recycled_under_an_aligned_allocation_reads_as_zero()
    {
        // Dirty the thread's slices, free them, then allocate aligned over them: the skipped gap and the allocation
        // come back zero.
        for (int round = 0; round < 3; round++)
        {
            var dirty = new List<nint>();
            for (int i = 0; i < 200; i++)
            {
                byte* d = (byte*)FioMemory.Alloc(1000);
                Bytes.Fill(d, 1000, 0xEE);
                dirty.Add((nint)d);
            }
            foreach (nint d in dirty)
                FioMemory.Free((void*)d);
            var aligned = new List<nint>();
            for (int i = 0; i < 100; i++)
            {
                byte* small = (byte*)FioMemory.Alloc(16);
                Bytes.AssertAll(small, 16, 0);
                // Realloc of the allocation before a gap may keep the gap: it must read as zero too.
                byte* grown = (byte*)FioMemory.Realloc(small, 16 + 1024);
                Bytes.AssertAll(grown, 16 + 1024, 0);
                byte* a = (byte*)FioMemory.AlignedAlloc(300, 1024);
                Assert.Equal(0u, (nuint)a % 1024);
                Bytes.AssertAll(a, 300, 0);
                aligned.Add((nint)grown);
                aligned.Add((nint)a);
            }
            foreach (nint a in aligned)
                FioMemory.AlignedFree((void*)a);
        }
    }

    [Fact]
    public void A_pointer_into_the_slices_skipped_for_alignment_is_rejected()
    {
        using var other = new ParkedThread();
        byte* before = null, aligned = null;
        other.Run(() =>
        {
            before = (byte*)FioMemory.Alloc(16);
            aligned = (byte*)FioMemory.AlignedAlloc(64, 4096);
        });
        byte* gap = before + 16;
        Assert.True(gap < aligned, "the aligned allocation skipped slices");
        Assert.Throws<ArgumentException>(() => FioMemory.Free(gap));
        Assert.Throws<ArgumentException>(() => { FioMemory.Realloc(gap, 32); });
        other.Run(() =>
        {
            Assert.Throws<ArgumentException>(() => FioMemory.Free(gap));
            FioMemory.Free(before);
            FioMemory.AlignedFree(aligned);
        });
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(1 << 16)]
    public void AlignedRealloc_keeps_the_bytes_and_the_alignment(int alignment)
    {
        byte* p = (byte*)FioMemory.AlignedRealloc(null, 100, (nuint)alignment);
        Assert.Equal(0u, (nuint)p % (nuint)alignment);
        for (int i = 0; i < 100; i++)
            p[i] = (byte)i;
        nuint valid = 100;
        foreach (nuint size in new nuint[] { 300, 50, 70_000, 200, 5000 })
        {
            p = (byte*)FioMemory.AlignedRealloc(p, size, (nuint)alignment);
            Assert.Equal(0u, (nuint)p % (nuint)alignment);
            valid = Math.Min(valid, size);
            for (int i = 0; i < (int)valid; i++)
                Assert.Equal((byte)i, p[i]);
            Bytes.AssertAll(p + valid, size - valid, 0);
        }
        FioMemory.AlignedFree(p);
    }

    [Fact]
    public void A_plain_allocation_moves_to_an_aligned_one_when_its_address_does_not_fit()
    {
        byte* keep = (byte*)FioMemory.Alloc(16);
        byte* p = (byte*)FioMemory.Alloc(64);
        Bytes.Fill(p, 64, 7);
        byte* q = (byte*)FioMemory.AlignedRealloc(p, 64, 8192);
        Assert.Equal(0u, (nuint)q % 8192);
        Bytes.AssertAll(q, 64, 7);
        FioMemory.Free(q);
        FioMemory.Free(keep);
    }
}
