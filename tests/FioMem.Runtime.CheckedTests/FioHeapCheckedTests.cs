// Checked mode on heaps: a foreign thread's every allocation, double frees, and writes after reset or dispose.
using System;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

[Collection(SerialCollection.Name)]
public unsafe class FioHeapCheckedTests
{
    [Fact]
    public void Allocating_on_a_foreign_thread_throws_even_when_the_heap_has_room()
    {
        using var heap = new FioHeap();
        heap.Alloc(16);
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                heap.Alloc(16);
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Double_free_of_heap_memory_is_named()
    {
        using var heap = new FioHeap();
        void* p = heap.Alloc(48);
        heap.Alloc(16);
        FioMemory.Free(p);
        var error = Assert.Throws<ArgumentException>(() => FioMemory.Free(p));
        Assert.Contains("double free", error.Message);
    }

    [Fact]
    public void Freed_heap_memory_is_poisoned()
    {
        using var heap = new FioHeap();
        byte* p = (byte*)heap.Alloc(48);
        heap.Alloc(16);
        FioMemory.Free(p);
        Bytes.AssertAll(p, 48, 0xDB);
    }

    [Fact]
    public void A_write_after_Dispose_is_reported_with_its_address()
    {
        HeapQuarantine.Drain();
        var heap = new FioHeap();
        byte* p = (byte*)heap.Alloc(64);
        heap.Dispose();
        Bytes.AssertAll(p, 64, 0xDB);
        p[10] = 1;
        var error = Assert.Throws<InvalidOperationException>(HeapQuarantine.Drain);
        Assert.Contains($"0x{(nuint)(p + 10):X}", error.Message);
        Assert.Contains("written after it was freed", error.Message);
    }

    [Fact]
    public void A_write_after_Reset_is_reported()
    {
        HeapQuarantine.Drain();
        using var heap = new FioHeap();
        byte* p = (byte*)heap.Alloc(64);
        heap.Reset();
        Assert.Throws<ArgumentException>(() => FioMemory.Free(p));
        p[0] = 1;
        Assert.Throws<InvalidOperationException>(HeapQuarantine.Drain);
    }

    [Fact]
    public void A_write_after_Dispose_is_reported_by_the_Dispose_that_pushes_the_block_out()
    {
        HeapQuarantine.Drain();
        var first = new FioHeap();
        byte* p = (byte*)first.Alloc(64);
        first.Dispose();
        p[0] = 1;
        Exception? error = null;
        for (int i = 0; i < HeapQuarantine.Capacity && error is null; i++)
        {
            var heap = new FioHeap();
            heap.Alloc(16);
            error = Record.Exception(heap.Dispose);
        }
        Assert.IsType<InvalidOperationException>(error);
        HeapQuarantine.Drain();
    }

    [Fact]
    public void Clean_heaps_pass_the_quarantine()
    {
        HeapQuarantine.Drain();
        for (int i = 0; i < HeapQuarantine.Capacity * 2; i++)
        {
            using var heap = new FioHeap();
            for (int j = 0; j < 100; j++)
                heap.Alloc((nuint)j);
            heap.Reset();
            heap.Alloc(10);
        }
        HeapQuarantine.Drain();
        Assert.Empty(BlockValidator.Validate());
    }
}
