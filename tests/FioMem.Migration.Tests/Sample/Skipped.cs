// Allocations FIO003 leaves on NativeMemory on purpose: memory handed to a delegate, freed through a function pointer,
// freed through a pointer computed from the allocation. Their releases move all the same: FioMemory hands memory it did
// not allocate back to NativeMemory.
using System;
using System.Runtime.InteropServices;

namespace Sample;

internal static unsafe class Skipped
{
    public static string Run()
    {
        // Handed to a delegate: what it does with the memory is out of sight.
        byte* lent = (byte*)NativeMemory.Alloc(4);
        lent[0] = 9;
        int value = 0;
        Action<nint> read = p => value = ((byte*)p)[0];
        read((nint)lent);
        NativeMemory.Free(lent);

        // Freed through a function pointer: which allocations reach it cannot be traced.
        delegate*<void*, void> free = &NativeMemory.Free;
        free(NativeMemory.Alloc(8));

        // Freed through a computed pointer.
        byte* raw = (byte*)NativeMemory.Alloc(32);
        byte* payload = raw + 16;
        payload[0] = 1;
        int first = payload[0];
        NativeMemory.Free(payload - 16);
        return value + "/" + first;
    }
}
