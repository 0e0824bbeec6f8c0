// A table allocated once and never freed: it migrates to AllocLongLived, not to Alloc (which would pin a block).
using System.Runtime.InteropServices;

namespace Sample;

internal static unsafe class Lookup
{
    private static readonly byte* s_squares = Build();

    public static int Get(int i) => s_squares[i];

    private static byte* Build()
    {
        byte* table = (byte*)NativeMemory.AllocZeroed(16);
        for (int i = 0; i < 16; i++)
            table[i] = (byte)(i * i);
        return table;
    }
}
