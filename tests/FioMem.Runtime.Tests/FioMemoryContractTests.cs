// The FioMemory contract, one behaviour per test.
using System;
using Xunit;

namespace FioMem.Tests;

public unsafe class FioMemoryContractTests
{
    [Fact]
    public void Alloc_returns_zeroed_16_byte_aligned_memory()
    {
        byte* p = (byte*)FioMemory.Alloc(100);
        Assert.Equal(0u, (nuint)p % 16);
        for (int i = 0; i < 100; i++) Assert.Equal(0, p[i]);
        FioMemory.Free(p);
    }
}
