// Local buffers: allocate, use, grow and free inside one method.
using System.Runtime.InteropServices;

namespace Sample;

internal static unsafe class Buffers
{
    public static long Checksum(int count)
    {
        // bytes written then summed
        byte* data = (byte*)NativeMemory.Alloc((nuint)count);
        long sum = 0;
        for (int i = 0; i < count; i++)
            data[i] = (byte)(i * 7);
        for (int i = 0; i < count; i++)
            sum += data[i];
        NativeMemory.Free(data); // released here
        return sum;
    }

    public static long GrowAndSum(int start, int end)
    {
        int capacity = start;
        int* values = (int*)NativeMemory.Alloc((nuint)capacity, sizeof(int));
        int count = 0;
        while (count < end)
        {
            if (count == capacity)
            {
                capacity *= 2;
                values = (int*)NativeMemory.Realloc(values, (nuint)(capacity * sizeof(int)));
            }

            values[count] = count;
            count++;
        }

        long sum = 0;
        for (int i = 0; i < count; i++)
            sum += values[i];
        NativeMemory.Free(values);
        return sum;
    }

    public static long ZeroedSum(int count, int size)
    {
        byte* zeros = (byte*)NativeMemory.AllocZeroed((nuint)count, (nuint)size);
        long sum = 0;
        for (int i = 0; i < count * size; i++)
            sum += zeros[i];
        NativeMemory.Free(zeros);
        return sum;
    }
}
