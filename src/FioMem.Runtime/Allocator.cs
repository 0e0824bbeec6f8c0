// Temporary allocator core (to be replaced by the block allocator).
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace FioMem;

internal static unsafe class Allocator
{
    private static readonly object s_lock = new();
    private static readonly Dictionary<nuint, nuint> s_live = new();

    public static void* Alloc(nuint byteCount)
    {
        void* p = NativeMemory.AlignedAlloc(byteCount == 0 ? 1 : byteCount, 16);
        NativeMemory.Clear(p, byteCount);
        lock (s_lock) s_live[(nuint)p] = byteCount;
        return p;
    }

    public static void* AllocLongLived(nuint byteCount) => Alloc(byteCount);

    public static void Free(void* ptr)
    {
        if (ptr == null) return;
        lock (s_lock)
            if (!s_live.Remove((nuint)ptr)) ThrowHelper.ThrowForeignPointer(ptr);
        NativeMemory.AlignedFree(ptr);
    }

    public static void* Realloc(void* ptr, nuint byteCount, nuint copyLength)
    {
        if (ptr == null) return Alloc(byteCount);
        nuint old;
        lock (s_lock)
            if (!s_live.TryGetValue((nuint)ptr, out old)) ThrowHelper.ThrowForeignPointer(ptr);
        void* q = Alloc(byteCount);
        Buffer.MemoryCopy(ptr, q, byteCount, Math.Min(Math.Min(old, byteCount), copyLength));
        Free(ptr);
        return q;
    }

    public static FioMemoryStatistics GetStatistics() => new() { BlockSize = Layout.BlockSize };

    public static void Trim() { }
}
