// Pointers FioMem never handed out are rejected with an ArgumentException naming them, and the allocator stays intact.
using System;
using System.Runtime.InteropServices;
using Xunit;

namespace FioMem.Tests;

public unsafe class BadInputTests
{
    private static void AssertRejected(Action action, void* ptr, string fragment)
    {
        var error = Assert.Throws<ArgumentException>(action);
        Assert.Contains($"0x{(nuint)ptr:X}", error.Message);
        Assert.Contains(fragment, error.Message);
        Assert.Equal("ptr", error.ParamName);
        AssertAllocatorWorks();
    }

    private static void AssertAllocatorWorks()
    {
        byte* p = (byte*)FioMemory.Alloc(32);
        Bytes.AssertAll(p, 32, 0);
        FioMemory.Free(p);
    }

    [Fact]
    public void Free_of_NativeMemory_pointer_is_rejected()
    {
        void* foreign = NativeMemory.Alloc(64);
        try
        {
            AssertRejected(() => FioMemory.Free(foreign), foreign, "not allocated by FioMem");
        }
        finally
        {
            NativeMemory.Free(foreign);
        }
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
        AssertRejected(() => FioMemory.Free((void*)address), (void*)address, "not allocated by FioMem");
    }

    [Fact]
    public void Realloc_of_foreign_pointer_is_rejected()
    {
        void* foreign = NativeMemory.Alloc(64);
        try
        {
            AssertRejected(() => FioMemory.Realloc(foreign, 128), foreign, "not allocated by FioMem");
        }
        finally
        {
            NativeMemory.Free(foreign);
        }
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
        AssertRejected(() => FioMemory.Free(misaligned), misaligned, "not allocated by FioMem");
        FioMemory.Free(p);
    }

    [Fact]
    public void Free_of_pointer_into_a_large_allocation_is_rejected()
    {
        byte* p = (byte*)FioMemory.Alloc(100_000);
        byte* interior = p + 4096;
        AssertRejected(() => FioMemory.Free(interior), interior, "not allocated by FioMem");
        AssertRejected(() => FioMemory.Realloc(interior, 10), interior, "not allocated by FioMem");
        FioMemory.Free(p);
    }

    [Fact]
    public void Second_free_of_a_large_allocation_is_rejected()
    {
        void* p = FioMemory.Alloc(100_000);
        FioMemory.Free(p);
        AssertRejected(() => FioMemory.Free(p), p, "not allocated by FioMem");
    }

    [Fact]
    public void Free_of_block_header_address_is_rejected()
    {
        byte* p = (byte*)FioMemory.Alloc(16);
        byte* header = (byte*)((nuint)p & ~(nuint)(FioMemory.BlockSize - 1));
        AssertRejected(() => FioMemory.Free(header), header, "not allocated by FioMem");
        FioMemory.Free(p);
    }
}
