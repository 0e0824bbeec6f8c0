// Pointers into FioMem's memory that are not a live allocation's start, and pointers no allocator handed out, are
// rejected with an ArgumentException naming them, and the allocator stays intact. (Memory NativeMemory allocated is
// taken back: ForeignMemoryTests.)
using System;
using System.Runtime.InteropServices;
using Xunit;

namespace FioMem.Tests;

public unsafe class BadInputTests
{
    internal static void AssertRejected(Action action, void* ptr, string fragment)
    {
        var error = Assert.Throws<ArgumentException>(action);
        Assert.Contains($"0x{(nuint)ptr:X}", error.Message);
        Assert.Contains(fragment, error.Message);
        Assert.Equal("ptr", error.ParamName);
        AssertAllocatorWorks();
    }

    internal static void AssertAllocatorWorks()
    {
        byte* p = (byte*)FioMemory.Alloc(32);
        Bytes.AssertAll(p, 32, 0);
        FioMemory.Free(p);
    }

    [Fact]
    public void Freeing_the_latest_allocation_twice_is_rejected()
    {
        // The first free steps the bump pointer back over the slices; the second finds nothing allocated there.
        // (Checked mode names it a double free before that; the test holds in both modes.)
        byte* keep = (byte*)FioMemory.Alloc(48);
        byte* p = (byte*)FioMemory.Alloc(32);
        FioMemory.Free(p);
        var error = Assert.Throws<ArgumentException>(() => FioMemory.Free(p));
        Assert.Contains($"0x{(nuint)p:X}", error.Message);
        Assert.Throws<ArgumentException>(() => FioMemory.Realloc(p, 64));
        AssertAllocatorWorks();
        FioMemory.Free(keep);
    }

    [Fact]
    public void Free_of_the_end_of_the_latest_allocation_is_rejected()
    {
        byte* p = (byte*)FioMemory.Alloc(32);
        try
        {
            var error = Assert.Throws<ArgumentException>(() => FioMemory.Free(p + 32));
            // Said for what it is in both modes (checked mode once called it a double free).
            Assert.Contains("nothing was handed out", error.Message);
        }
        finally
        {
            FioMemory.Free(p);
        }
        AssertAllocatorWorks();
    }

    [Fact]
    public void Free_of_stack_pointer_is_rejected()
    {
        long local = 0;
        nint address = (nint)(&local);
        AssertRejected(() => FioMemory.Free((void*)address), (void*)address, "stack");
    }

    [Fact]
    public void Free_of_interior_pointer_is_rejected_and_the_allocation_stays_live()
    {
        byte* p = (byte*)FioMemory.Alloc(256);
        p[0] = 9;
        byte* interior = p + 64;
        AssertRejected(() => FioMemory.Free(interior), interior, "interior pointer");
        Assert.Equal(9, p[0]);
        FioMemory.Free(p);
    }

    [Fact]
    public void Free_of_misaligned_pointer_is_rejected()
    {
        byte* p = (byte*)FioMemory.Alloc(64);
        byte* misaligned = p + 3;
        // Inside a block it is FioMem's check that names it, not the alignment check for memory FioMem did not allocate.
        AssertRejected(() => FioMemory.Free(misaligned), misaligned, "not the start of a live allocation");
        AssertRejected(() => FioMemory.AlignedFree(misaligned), misaligned, "not the start of a live allocation");
        AssertRejected(() => FioMemory.Realloc(misaligned, 10), misaligned, "not the start of a live allocation");
        FioMemory.Free(p);
    }

    [Fact]
    public void Free_of_pointer_into_a_large_allocation_is_rejected()
    {
        byte* p = (byte*)FioMemory.Alloc(100_000);
        byte* interior = p + 4096;
        string start = $"large allocation at 0x{(nuint)p:X}";
        AssertRejected(() => FioMemory.Free(interior), interior, start);
        AssertRejected(() => FioMemory.AlignedFree(interior), interior, start);
        AssertRejected(() => FioMemory.Realloc(interior, 10), interior, start);
        AssertRejected(() => FioMemory.AlignedRealloc(interior, 10, 64), interior, start);
        AssertRejected(() => FioMemory.Free(p + 16), p + 16, start);
        p[0] = 7;
        p = (byte*)FioMemory.Realloc(p, 200_000);
        Assert.Equal(7, p[0]);
        FioMemory.Free(p);
    }

    [Fact]
    public void Free_of_block_header_address_is_rejected()
    {
        byte* p = (byte*)FioMemory.Alloc(16);
        byte* header = (byte*)((nuint)p & ~(nuint)(FioMemory.BlockSize - 1));
        AssertRejected(() => FioMemory.Free(header), header, "not the start of a live allocation");
        FioMemory.Free(p);
    }
}
