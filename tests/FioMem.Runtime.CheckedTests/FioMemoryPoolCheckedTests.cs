// Checked mode catches a FioMemoryPool buffer used after it was returned.
using System;
using System.Buffers;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

public unsafe class FioMemoryPoolCheckedTests
{
    [Fact]
    public void Memory_used_after_return_throws()
    {
        IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(128);
        Memory<byte> memory = owner.Memory;
        owner.Dispose();

        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => memory.Pin());
        Assert.Throws<ObjectDisposedException>(() => owner.Memory);
    }

    [Fact]
    public void A_returned_owner_is_never_handed_out_again()
    {
        IMemoryOwner<byte> first = FioMemoryPool.Shared.Rent(128);
        first.Dispose();
        using IMemoryOwner<byte> second = FioMemoryPool.Shared.Rent(128);
        Assert.NotSame(first, second);
        // The stale owner stays returned, so its second Dispose cannot free the new rental.
        first.Dispose();
        Assert.Equal(128, second.Memory.Span.Length);
    }

    [Fact]
    public void A_write_through_a_span_kept_past_return_is_reported_when_the_block_is_recycled()
    {
        Exception? reported = null;
        nint dangling = 0;
        var thread = new Thread(() =>
        {
            IMemoryOwner<byte> owner = FioMemoryPool.Shared.Rent(64);
            MemoryHandle handle = owner.Memory.Pin();
            byte* p = (byte*)handle.Pointer;
            dangling = (nint)p;
            owner.Dispose();
            p[5] = 1; // the bug: the buffer was returned
            try
            {
                for (int i = 0; i < 10; i++)
                    FioMemoryPool.Shared.Rent(40_000).Dispose();
            }
            catch (InvalidOperationException e)
            {
                reported = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.NotNull(reported);
        Assert.Contains($"0x{dangling + 5:X}", reported!.Message);
    }
}
