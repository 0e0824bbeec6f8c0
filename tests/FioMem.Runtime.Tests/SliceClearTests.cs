// The vector clear of slice ranges zeroes exactly the range asked for, at every size and either side of its native threshold.
using System;
using System.Runtime.InteropServices;
using Xunit;

namespace FioMem.Tests;

public unsafe class SliceClearTests
{
    [Fact]
    public void Clear_zeroes_exactly_the_range_at_every_slice_multiple()
    {
        const int guard = 64;
        int largest = (int)SliceClear.NativeThreshold + 4096;
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)(largest + 2 * guard), 64);
        try
        {
            for (int size = 16; size <= largest; size += 16)
            {
                new Span<byte>(buffer, largest + 2 * guard).Fill(0xA5);

                SliceClear.Clear(buffer + guard, (nuint)size);

                var before = new ReadOnlySpan<byte>(buffer, guard);
                var cleared = new ReadOnlySpan<byte>(buffer + guard, size);
                var after = new ReadOnlySpan<byte>(buffer + guard + size, guard);
                Assert.True(cleared.IndexOfAnyExcept((byte)0) < 0, $"a byte of {size} was left");
                Assert.True(before.IndexOfAnyExcept((byte)0xA5) < 0, $"clearing {size} bytes wrote before them");
                Assert.True(after.IndexOfAnyExcept((byte)0xA5) < 0, $"clearing {size} bytes wrote past them");
            }
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }
}
