// An allocator wrapper used by other types of the app (IntList, Voices).
using System.Runtime.InteropServices;

namespace Sample;

internal static unsafe class Mem
{
    public static void* Alloc(nuint size) => NativeMemory.Alloc(size);

    public static void* ReAlloc(void* p, nuint size) => NativeMemory.Realloc(p, size);

    public static void Free(void* p) => NativeMemory.Free(p);
}
