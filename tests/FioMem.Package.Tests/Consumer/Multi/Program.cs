// Shared by net8.0 and net10.0: NativeMemory calls FIO003's fix can migrate, and FioMem code that only the targets
// referencing FioMem compile.
using System;
using System.Runtime.InteropServices;

namespace Multi;

public static unsafe class Program
{
    public static void Main()
    {
        Console.WriteLine("sum of squares " + SumOfSquares(100));
        Console.WriteLine("FIOMEM " + FioMemDefined());
    }

    public static int SumOfSquares(int count)
    {
        int* values = (int*)NativeMemory.Alloc((nuint)count, sizeof(int));
        int sum = 0;
        for (int i = 0; i < count; i++)
        {
            values[i] = i * i;
            sum += values[i];
        }

        NativeMemory.Free(values);
        return sum;
    }

#if FIOMEM
    private static bool FioMemDefined() => typeof(FioMem.FioMemory) is not null;
#else
    private static bool FioMemDefined() => false;
#endif
}
