// Never freed: FioMem would serve it with AllocLongLived, which NativeMemory (the other targets) lacks, so it stays.
using System.Runtime.InteropServices;

namespace MultiTargetSample;

internal static unsafe class Table
{
    private static readonly int* s_cubes = Build();

    public static int Get(int i) => s_cubes[i];

    private static int* Build()
    {
        int* cubes = (int*)NativeMemory.Alloc(8 * sizeof(int));
        for (int i = 0; i < 8; i++)
            cubes[i] = i * i * i;
        return cubes;
    }
}
