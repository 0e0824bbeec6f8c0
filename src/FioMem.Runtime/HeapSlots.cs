// Which heap a block belongs to, and the guard that keeps a heap's blocks from leaving it while a free is inside one.
using System.Collections.Generic;
using System.Threading;

namespace FioMem;

/// <summary>
/// A heap's entry in <see cref="HeapSlots"/>: a block's header names it by <see cref="Id"/>
/// (<see cref="BlockHeader.HeapSlot"/>). Slots are never freed, only reused by a later heap, so a free that read a
/// stale id from a block's header always finds a slot to count itself in.
/// </summary>
internal sealed class HeapSlot
{
    /// <summary>The index in <see cref="HeapSlots"/>; 0 is never handed out.</summary>
    public readonly int Id;

    /// <summary>
    /// Frees and reallocations inside one of the heap's blocks right now, from any thread. A heap that gives its blocks
    /// up waits for this to drop to zero after it has marked them, so no block goes back to the pool while another
    /// thread is still reading or writing it through a pointer of the heap.
    /// </summary>
    public int Visitors;

    /// <summary>The heap using the slot; null once it is disposed. Written by the heap, read by visitors.</summary>
    public volatile FioHeap? Heap;

    public HeapSlot(int id) => Id = id;
}

/// <summary>The slots of every heap: a block's <see cref="BlockHeader.HeapSlot"/> indexes it.</summary>
internal static class HeapSlots
{
    private static readonly Lock s_lock = new();

    /// <summary>Every slot by id; replaced by a longer copy when it fills (readers take no lock).</summary>
    private static HeapSlot?[] s_slots = new HeapSlot?[16];

    /// <summary>Slots whose heap was disposed. Guarded by <see cref="s_lock"/>.</summary>
    private static readonly Stack<HeapSlot> s_free = new();

    /// <summary>The highest id given out. Guarded by <see cref="s_lock"/>.</summary>
    private static int s_lastId;

    /// <summary>The slot with <paramref name="id"/>, or null when there is none (a header that never named a heap).</summary>
    public static HeapSlot? Find(int id)
    {
        HeapSlot?[] slots = Volatile.Read(ref s_slots);
        return (uint)id < (uint)slots.Length ? slots[id] : null;
    }

    /// <summary>A slot for <paramref name="heap"/>: a free one, or a new one.</summary>
    public static HeapSlot Rent(FioHeap heap)
    {
        lock (s_lock)
        {
            if (!s_free.TryPop(out HeapSlot? slot))
            {
                int id = ++s_lastId;
                HeapSlot?[] slots = s_slots;
                if (id == slots.Length)
                {
                    var longer = new HeapSlot?[slots.Length * 2];
                    slots.CopyTo(longer, 0);
                    Volatile.Write(ref s_slots, longer);
                    slots = longer;
                }
                slot = new HeapSlot(id);
                Volatile.Write(ref slots[id], slot);
            }
            slot.Heap = heap;
            return slot;
        }
    }

    /// <summary>Gives back the slot of a disposed heap, once no visitor is inside its blocks.</summary>
    public static void Return(HeapSlot slot)
    {
        lock (s_lock)
            s_free.Push(slot);
    }

    /// <summary>
    /// Waits until no free or reallocation is inside the slot's blocks. The caller has already marked the blocks (a
    /// full fence: an interlocked write), and a visitor counts itself in before it checks that mark, so either the
    /// visitor sees the mark and leaves, or this sees the visitor and waits.
    /// </summary>
    public static void WaitForVisitors(HeapSlot slot)
    {
        Interlocked.MemoryBarrier();
        SpinWait spin = default;
        while (Volatile.Read(ref slot.Visitors) != 0)
            spin.SpinOnce();
    }
}
