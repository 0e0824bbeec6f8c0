// Allocations too big for a block, and long-lived ones: straight from the system, tracked in a map.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using FioMem.Os;

namespace FioMem;

/// <summary>
/// Large allocations (at or above <see cref="Layout.LargeThreshold"/>, or aligned beyond
/// <see cref="Layout.MaxSlicedAlignment"/>) and long-lived ones (<see cref="FioMemory.AllocLongLived(nuint)"/>) come
/// straight from the system: mapped page by page, so they are zero without being written and only the pages touched
/// count against the process's memory; below a page, and for alignments beyond a page, from
/// <see cref="NativeMemory.AlignedAlloc(nuint, nuint)"/> and cleared. All are kept in one map from address to size, so
/// <c>Free</c> and <c>Realloc</c> recognise them wherever they live — including after a Linux <c>mremap</c> moved one
/// (the C original tells them apart by alignment and loses track after such a move).
/// </summary>
internal static unsafe class LargeAllocations
{
    /// <summary>What an allocation is for, counted apart in the statistics.</summary>
    internal enum Kind : byte
    {
        /// <summary>Too big for a block (or too strictly aligned).</summary>
        Large,

        /// <summary>Asked for with <see cref="FioMemory.AllocLongLived(nuint)"/>.</summary>
        LongLived,
    }

    /// <param name="Size">The size asked for.</param>
    /// <param name="Mapped">Bytes taken from the system: whole pages when <see cref="Paged"/>.</param>
    /// <param name="Kind">What it is for.</param>
    /// <param name="Paged">Mapped page by page (<see cref="SystemMemory.Map"/>), else from <c>NativeMemory.AlignedAlloc</c>.</param>
    /// <param name="Heap">The serial number of the <see cref="FioHeap"/> that releases it on reset or dispose; 0 for none.</param>
    private readonly record struct Entry(nuint Size, nuint Mapped, Kind Kind, bool Paged, long Heap = 0);

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

    /// <summary>
    /// A zeroed allocation of <paramref name="byteCount"/> bytes at a multiple of <paramref name="alignment"/> (a power
    /// of two); <see cref="OutOfMemoryException"/> naming the size when the system has no memory for it.
    /// </summary>
    public static void* Allocate(nuint byteCount, Kind kind, nuint alignment, long heap = 0)
    {
        FioMemoryOptions.ThrowIfInvalid();
        FioMemoryMetrics.EnsureCreated();
        bool paged = byteCount >= SystemMemory.PageSize && alignment <= SystemMemory.PageSize;
        nuint mapped;
        void* p;
        if (paged)
        {
            mapped = SystemMemory.RoundToPages(byteCount);
            p = mapped == 0 ? null : SystemMemory.Map(mapped);
        }
        else
        {
            mapped = byteCount == 0 ? Layout.SliceSize : byteCount;
            p = TryAlignedAllocZeroed(mapped, Math.Max(alignment, Layout.SliceSize));
        }
        if (p == null)
            ThrowHelper.ThrowOutOfMemory(byteCount);
        Add(p, new Entry(byteCount, mapped, kind, paged, heap));
        return p;
    }

    /// <summary>
    /// Frees every live large allocation of the heap with serial number <paramref name="heap"/> (those it made and
    /// nobody freed since); one look at every live large allocation, under the lock.
    /// </summary>
    public static void ReleaseHeap(long heap)
    {
        List<(nuint Address, Entry Entry)>? owned = null;
        lock (s_lock)
        {
            foreach (KeyValuePair<nuint, Entry> pair in s_entries)
            {
                if (pair.Value.Heap == heap)
                    (owned ??= new()).Add((pair.Key, pair.Value));
            }
            if (owned is null)
                return;
            foreach ((nuint address, Entry entry) in owned)
            {
                s_entries.Remove(address);
                Count(entry, -1);
            }
        }
        foreach ((nuint address, Entry entry) in owned)
            Release((void*)address, entry);
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

    /// <summary>
    /// The start of the live large or long-lived allocation that <paramref name="ptr"/> lies inside of without being
    /// its start, or 0. A look at every live one: meant for the path that hands memory FioMem did not allocate to
    /// <c>NativeMemory</c>, never for FioMem's own.
    /// </summary>
    public static nuint FindContaining(void* ptr)
    {
        lock (s_lock)
        {
            foreach (KeyValuePair<nuint, Entry> pair in s_entries)
            {
                if ((nuint)ptr - pair.Key - 1 < pair.Value.Mapped - 1)
                    return pair.Key;
            }
        }
        return 0;
    }

    /// <summary>
    /// Resizes a large or long-lived allocation (see <c>Allocator.Resize</c>); false, with nothing done, when
    /// <paramref name="ptr"/> is neither. A large, paged one whose new size is still large grows or shrinks where the
    /// system allows (Linux <c>mremap</c>); anything else moves to a new allocation of the same kind. The old
    /// allocation is changed only once the new size is had: an <see cref="OutOfMemoryException"/> leaves it as it was.
    /// </summary>
    public static bool TryReallocate(void* ptr, nuint byteCount, nuint copyLength, nuint alignment, out void* result)
    {
        Entry entry;
        lock (s_lock)
        {
            if (!s_entries.TryGetValue((nuint)ptr, out entry))
            {
                result = null;
                return false;
            }
        }
        result = Reallocate(ptr, entry, byteCount, copyLength, alignment);
        return true;
    }

    private static void* Reallocate(void* ptr, Entry entry, nuint byteCount, nuint copyLength, nuint alignment)
    {
        nuint keep = Math.Min(Math.Min(entry.Size, byteCount), copyLength);

        if (entry is { Kind: Kind.Large, Paged: true } && byteCount >= Layout.LargeThreshold && alignment <= SystemMemory.PageSize)
        {
            nuint mapped = SystemMemory.RoundToPages(byteCount);
            if (mapped == 0)
                ThrowHelper.ThrowOutOfMemory(byteCount);
            var resized = new Entry(byteCount, mapped, Kind.Large, Paged: true, entry.Heap);
            if (mapped == entry.Mapped)
            {
                // Bytes past what is kept must read as zero.
                NativeMemory.Clear((byte*)ptr + keep, mapped - keep);
                Update(ptr, resized);
                return ptr;
            }
            // The entry leaves the map before the mapping moves: once mremap has moved it, another thread can map the
            // old address at once, and its entry must find the key free.
            Remove(ptr);
            void* moved = SystemMemory.TryRemap(ptr, entry.Mapped, mapped);
            if (moved != null)
            {
                // Past what is kept, up to the old mapping's end (a shrink keeps the tail of its last page); pages
                // beyond it are new and zero.
                NativeMemory.Clear((byte*)moved + keep, Math.Min(entry.Mapped, mapped) - keep);
                Add(moved, resized);
                return moved;
            }
            Add(ptr, entry);
        }

        // Copy into a new allocation of the right kind: long-lived stays long-lived; large shrinking below the limit
        // becomes small (a heap's too: it becomes ordinary FioMem memory, freed with Free). If that throws, the old
        // allocation is untouched.
        void* result = entry.Kind == Kind.LongLived
            ? Allocate(byteCount, Kind.LongLived, alignment)
            : entry.Heap != 0 && (byteCount >= Layout.LargeThreshold || alignment > Layout.MaxSlicedAlignment)
                ? Allocate(byteCount, Kind.Large, Math.Max(alignment, Layout.SliceSize), entry.Heap)
                : Allocator.AlignedAlloc(byteCount, alignment);
        Buffer.MemoryCopy(ptr, result, byteCount, keep);
        TryFree(ptr);
        return result;
    }

    private static void* TryAlignedAllocZeroed(nuint size, nuint alignment)
    {
        try
        {
            void* p = NativeMemory.AlignedAlloc(size, alignment);
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
        s_totals = entry.Kind == Kind.LongLived
            ? s_totals with { LongLivedCount = s_totals.LongLivedCount + sign, LongLivedBytes = s_totals.LongLivedBytes + bytes }
            : s_totals with { LargeCount = s_totals.LargeCount + sign, LargeBytes = s_totals.LargeBytes + bytes };
    }

    private static void Release(void* ptr, Entry entry)
    {
        if (entry.Paged)
            SystemMemory.Unmap(ptr, entry.Mapped);
        else
            NativeMemory.AlignedFree(ptr);
    }
}
