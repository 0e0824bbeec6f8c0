// Zeroing whole slices with vector stores, without the native call NativeMemory.Clear makes past 768 bytes.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FioMem;

/// <summary>
/// Clears slice ranges (multiples of <see cref="Layout.SliceSize"/> bytes, 16-byte aligned). Up to
/// <see cref="NativeThreshold"/> bytes a loop of vector stores is faster than <see cref="NativeMemory.Clear"/>, which
/// calls the C library's <c>memset</c> through a native transition for anything over 768 bytes. Above the threshold
/// <c>memset</c>'s string stores win and the transition is paid once for many bytes.
/// </summary>
internal static unsafe class SliceClear
{
    /// <summary>Larger ranges go to <see cref="NativeMemory.Clear"/>.</summary>
    public const nuint NativeThreshold = 6144;

    /// <summary>Zeroes <paramref name="byteCount"/> bytes at <paramref name="p"/>; a non-zero multiple of 16.</summary>
    public static void Clear(byte* p, nuint byteCount)
    {
        if (byteCount > NativeThreshold)
        {
            NativeMemory.Clear(p, byteCount);
            return;
        }

        byte* end = p + byteCount;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> zero = Vector256<byte>.Zero;
            for (; p + 128 <= end; p += 128)
            {
                zero.Store(p);
                zero.Store(p + 32);
                zero.Store(p + 64);
                zero.Store(p + 96);
            }
            for (; p + 32 <= end; p += 32) zero.Store(p);
        }

        for (; p < end; p += 16) Vector128<byte>.Zero.Store(p);
    }
}
