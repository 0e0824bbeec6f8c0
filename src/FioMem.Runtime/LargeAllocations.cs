// Allocations too big for a block, and long-lived ones: straight from the system, tracked in a map.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using FioMem.Os;

namespace FioMem;

/// <summary>
/// Large allocations (at or above <see cref="Layout.LargeThreshold"/>) are mapped from the OS page by page; long-lived
/// ones (<see cref="FioMemory.AllocLongLived(nuint)"/>) come from <see cref="NativeMemory.AlignedAlloc(nuint, nuint)"/>.
/// Both are kept in one map from address to size, so <c>Free</c> and <c>Realloc</c> recognise them wherever they
/// live — including after a Linux <c>mremap</c> moved one (the C original tells them apart by alignment and
/// loses track after such a move).
/// </summary>
internal static unsafe class LargeAllocations
{
    private readonly record struct Entry(nuint Size, nuint Mapped, bool LongLived);

    internal readonly record struct Totals(long LargeCount, long LargeBytes, long LongLivedCount, long LongLivedBytes);

    private static readonly Lock s_lock = new();

    /// <summary>Every live large and long-lived allocation. Guarded by <see cref="s_lock"/>.</summary>
    private static readonly Dictionary<nuint, Entry> s_entries = new();

    /// <summary>Running totals. Guarded by <see cref="s_lock"/>.</summary>
    private static Totals s_totals;

    public static Totals GetTotals()
    {
        lock (s_lock)
            return s_totals;
    }

    public static void* Allocate(nuint byteCount, bool longLived)
    {
        FioMemoryMetrics.EnsureCreated();
        nuint mapped;
        void* p;
        if (longLived)
        {
            mapped = byteCount == 0 ? Layout.SliceSize : byteCount;
            p = TryAlignedAllocZeroed(mapped);
        }
        else
        {
            mapped = SystemMemory.RoundToPages(byteCount);
            p = mapped == 0 ? null : SystemMemory.Map(mapped);
        }
        if (p == null)
            ThrowHelper.ThrowOutOfMemory(byteCount);
        Add(p, new Entry(byteCount, mapped, longLived));
        return p;
    }

    /// <summary>Frees a large or long-lived allocation; false when <paramref name="ptr"/> is neither.</summary>
    public static bool TryFree(void* ptr)
    {
        Entry entry;
        lock (s_lock)
        {
            if (!s_entries.Remove((nuint)ptr, out entry))
                return false;
            Count(entry, -1);
        }
        Release(ptr, entry);
        return true;
    }

    public static void* Reallocate(void* ptr, nuint byteCount, nuint copyLength)
    {
        Entry entry;
        lock (s_lock)
        {
            if (!s_entries.TryGetValue((nuint)ptr, out entry))
                ThrowHelper.ThrowForeignPointer(ptr);
        }
        nuint keep = Math.Min(Math.Min(entry.Size, byteCount), copyLength);

        if (!entry.LongLived && byteCount >= Layout.LargeThreshold)
        {
            nuint mapped = SystemMemory.RoundToPages(byteCount);
            if (mapped == 0)
                ThrowHelper.ThrowOutOfMemory(byteCount);
            // Bytes past what is kept must read as zero, including the tail of the last page a shrink leaves.
            NativeMemory.Clear((byte*)ptr + keep, Math.Min(entry.Mapped, mapped) - keep);
            var resized = new Entry(byteCount, mapped, LongLived: false);
            if (mapped == entry.Mapped)
            {
                Update(ptr, resized);
                return ptr;
            }
            // The entry leaves the map before the mapping moves: once mremap has moved it, another thread can map the
            // old address at once, and its entry must find the key free.
            Remove(ptr);
            void* moved = SystemMemory.TryRemap(ptr, entry.Mapped, mapped);
            if (moved != null)
            {
                Add(moved, resized);
                return moved;
            }
            Add(ptr, entry);
        }

        // Copy into a new allocation of the right kind: long-lived stays long-lived; large shrinking below the limit becomes small.
        void* result = entry.LongLived ? Allocate(byteCount, longLived: true) : Allocator.Alloc(byteCount);
        Buffer.MemoryCopy(ptr, result, byteCount, keep);
        TryFree(ptr);
        return result;
    }

    private static void* TryAlignedAllocZeroed(nuint size)
    {
        try
        {
            void* p = NativeMemory.AlignedAlloc(size, Layout.SliceSize);
            NativeMemory.Clear(p, size);
            return p;
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }

    private static void Add(void* ptr, Entry entry)
    {
        lock (s_lock)
        {
            s_entries.Add((nuint)ptr, entry);
            Count(entry, +1);
        }
    }

    private static void Remove(void* ptr)
    {
        lock (s_lock)
        {
            s_entries.Remove((nuint)ptr, out Entry old);
            Count(old, -1);
        }
    }

    private static void Update(void* ptr, Entry entry)
    {
        lock (s_lock)
        {
            Count(s_entries[(nuint)ptr], -1);
            s_entries[(nuint)ptr] = entry;
            Count(entry, +1);
        }
    }

    private static void Count(Entry entry, int sign)
    {
        long bytes = sign * (long)entry.Mapped;
        s_totals = entry.LongLived
            ? s_totals with { LongLivedCount = s_totals.LongLivedCount + sign, LongLivedBytes = s_totals.LongLivedBytes + bytes }
            : s_totals with { LargeCount = s_totals.LargeCount + sign, LargeBytes = s_totals.LargeBytes + bytes };
    }

    private static void Release(void* ptr, Entry entry)
    {
        if (entry.LongLived)
            NativeMemory.AlignedFree(ptr);
        else
            SystemMemory.Unmap(ptr, entry.Mapped);
    }
}
