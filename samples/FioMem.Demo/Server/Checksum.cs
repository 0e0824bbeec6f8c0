// The checksum the sender takes and the parser checks: a word sum, cheap enough not to hide the allocator's cost.
using System;
using System.Runtime.InteropServices;

namespace FioMem.Demo.Server;

/// <summary>
/// A 64-bit checksum: the sum of the buffer's 8-byte words, each rotated by its position, plus its trailing bytes.
/// Any byte another buffer writes over changes it (barring a one-in-2^64 coincidence), which is what the demo checks:
/// that no two live allocations overlap.
/// </summary>
public static class Checksum
{
    /// <summary>The checksum of <paramref name="bytes"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        ulong sum = (ulong)bytes.Length;
        for (int i = 0; i < words.Length; i++) sum += ulong.RotateLeft(words[i], i & 63);
        for (int i = words.Length * sizeof(ulong); i < bytes.Length; i++) sum += (ulong)bytes[i] << (i & 7) * 8;
        return sum;
    }
}
