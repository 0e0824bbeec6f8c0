// Calls FIO003 leaves alone on purpose: large alignment, a pointer handed out, and a NativeMemory method group.
using System.Runtime.InteropServices;

namespace Sample;

internal static unsafe class Skipped
{
    public static string Run()
    {
        // 64-byte alignment: FioMem only guarantees 16.
        void* line = NativeMemory.AlignedAlloc(64, 64);
        bool aligned = ((nuint)line & 63) == 0;
        NativeMemory.AlignedFree(line);

        byte* owned = Make(4);
        owned[0] = 9;
        int value = owned[0];
        Release(owned);
        return aligned + "/" + value;
    }

    // Returned: whoever frees it is outside the analysis.
    private static byte* Make(int size) => (byte*)NativeMemory.Alloc((nuint)size);

    // Frees through a method group: which allocations reach it cannot be traced.
    private static void Release(byte* p)
    {
        delegate*<void*, void> free = &NativeMemory.Free;
        free(p);
    }
}
