// Plain NativeMemory code, never edited for FioMem: the Intercept and Aot projects build it with
// FioMemInterceptNativeMemory=true, and their calls that may move go to FioMemory without a source change.
using System;
using System.Runtime.InteropServices;
using FioMem;

namespace Consumer;

internal static unsafe class NativeBuffers
{
    /// <summary>A buffer that grows by Realloc: Alloc, Realloc and Free of one pointer.</summary>
    public static long SumOfSquares(int count)
    {
        int capacity = 4;
        long* values = (long*)NativeMemory.Alloc((nuint)capacity, sizeof(long));
        for (int i = 0; i < count; i++)
        {
            if (i == capacity)
            {
                capacity *= 2;
                values = (long*)NativeMemory.Realloc(values, (nuint)(capacity * sizeof(long)));
            }

            values[i] = (long)i * i;
        }

        long sum = 0;
        for (int i = 0; i < count; i++)
            sum += values[i];
        NativeMemory.Free(values);
        return sum;
    }

    /// <summary>Whether a large NativeMemory allocation is FioMem's: its large path counts it.</summary>
    public static bool ServedByFioMem()
    {
        long before = FioMemory.GetStatistics().LargeAllocations;
        byte* big = (byte*)NativeMemory.AllocZeroed(1 << 20);
        bool served = FioMemory.GetStatistics().LargeAllocations > before;
        NativeMemory.Free(big);
        return served;
    }

    [DllImport("libc", EntryPoint = "free")]
    private static extern void CFree(void* pointer);

    /// <summary>Memory native code frees with free(): it must stay malloc's, so these calls are never intercepted.</summary>
    public static int HandToNative()
    {
        byte* text = (byte*)NativeMemory.Alloc(16);
        text[0] = 42;
        int first = text[0];
        if (OperatingSystem.IsWindows())
            NativeMemory.Free(text);
        else
            CFree(text);
        return first;
    }
}
