// One rented FioMemoryPool buffer, and the pool of these owner objects that keeps renting free of GC allocations.
using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading;

namespace FioMem;

/// <summary>
/// The <see cref="IMemoryOwner{T}"/> of one <see cref="FioMemoryPool"/> buffer: a pointer and a length. Disposing it
/// frees the memory and puts the object back for the next rental.
/// </summary>
/// <remarks>
/// <para>Owner objects are kept in two tiers, as <c>ArrayPool&lt;T&gt;.Shared</c> keeps arrays: a short list per
/// thread, taken from and added to without any synchronisation, then one locked list for all threads. Buffers are
/// often rented on one thread and returned on another (a socket's receive loop and the request handler), so owners
/// drift from thread to thread; they move between a thread's list and the shared one in batches, so that costs one
/// lock per <see cref="Batch"/> rentals, not one per rental. Past <see cref="SharedCapacity"/> idle owners, returned
/// ones are left to the GC.</para>
/// <para>Checked mode never reuses an owner, so a disposed one stays disposed and every use of it throws.</para>
/// </remarks>
internal sealed unsafe class FioMemoryOwner : MemoryManager<byte>
{
    /// <summary>Idle owners a thread keeps for itself.</summary>
    private const int ThreadCapacity = 64;

    /// <summary>Owners moved between a thread's list and the shared list at a time.</summary>
    private const int Batch = ThreadCapacity / 2;

    /// <summary>Idle owners kept on the shared list.</summary>
    private const int SharedCapacity = 8192;

    /// <summary>The calling thread's idle owners, linked through <see cref="_next"/>.</summary>
    [ThreadStatic]
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    private static FioMemoryOwner? t_head;
#pragma warning restore IDE1006

    /// <summary>How many owners <see cref="t_head"/> holds.</summary>
    [ThreadStatic]
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    private static int t_count;
#pragma warning restore IDE1006

    /// <summary>Guards <see cref="s_head"/> and <see cref="s_count"/>.</summary>
    private static readonly Lock s_lock = new();

    /// <summary>Idle owners any thread may take, linked through <see cref="_next"/>. Guarded by <see cref="s_lock"/>.</summary>
    private static FioMemoryOwner? s_head;

    /// <summary>How many owners <see cref="s_head"/> holds. Guarded by <see cref="s_lock"/>.</summary>
    private static int s_count;

    /// <summary>Buffers rented since start-up.</summary>
    private static long s_rentals;

    /// <summary>Buffers returned since start-up.</summary>
    private static long s_returns;

    /// <summary>The buffer; 0 once returned. Swapped atomically so that only one of two racing disposals frees it.</summary>
    private nint _pointer;

    /// <summary>The buffer's length in bytes.</summary>
    private int _length;

    /// <summary>The next idle owner on the list this one is on.</summary>
    private FioMemoryOwner? _next;

    private FioMemoryOwner()
    {
    }

    /// <summary>Buffers rented since start-up.</summary>
    public static long Rentals => Volatile.Read(ref s_rentals);

    /// <summary>Buffers rented and not yet returned.</summary>
    public static long Outstanding
    {
        get
        {
            // Returns first: a return read before its rental would make the difference negative.
            long returns = Volatile.Read(ref s_returns);
            return Math.Max(0, Volatile.Read(ref s_rentals) - returns);
        }
    }

    /// <summary>Allocates <paramref name="length"/> bytes and wraps them in an idle (or new) owner.</summary>
    /// <param name="length">The size in bytes.</param>
    /// <param name="clearReused">Whether a segment reused from <see cref="SegmentCache"/> is cleared first (fresh memory always is zero).</param>
    public static FioMemoryOwner Rent(int length, bool clearReused = true)
    {
        // Allocate first: when memory runs out, no owner is taken. A returned 4 KiB segment is reused before any new one.
        void* p = SegmentCache.Holds(length) ? SegmentCache.TryTake(clearReused) : null;
        if (p is null)
            p = FioMemory.Alloc((nuint)length);
        FioMemoryOwner owner = Take();
        owner._length = length;
        Volatile.Write(ref owner._pointer, (nint)p);
        Interlocked.Increment(ref s_rentals);
        return owner;
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan()
    {
        nint p = Volatile.Read(ref _pointer);
        if (p == 0)
            ThrowReturned();
        return new Span<byte>((void*)p, _length);
    }

    /// <inheritdoc/>
    public override Memory<byte> Memory
    {
        get
        {
            if (Volatile.Read(ref _pointer) == 0)
                ThrowReturned();
            return CreateMemory(_length);
        }
    }

    /// <summary>Returns a handle to the buffer's byte at <paramref name="elementIndex"/>; the memory never moves, so nothing is pinned.</summary>
    /// <param name="elementIndex">An offset from 0 to the buffer's length.</param>
    /// <returns>The handle; disposing it does nothing.</returns>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        nint p = Volatile.Read(ref _pointer);
        if (p == 0)
            ThrowReturned();
        if ((uint)elementIndex > (uint)_length)
            throw new ArgumentOutOfRangeException(nameof(elementIndex), elementIndex, $"The offset must be from 0 to the buffer's length, {_length}.");
        return new MemoryHandle((byte*)p + elementIndex);
    }

    /// <summary>Does nothing: <see cref="Pin"/> pins nothing.</summary>
    public override void Unpin()
    {
    }

    /// <summary>Frees the buffer and keeps this owner for a later rental; a second call finds nothing to free.</summary>
    /// <param name="disposing">Whether <see cref="IDisposable.Dispose"/> called.</param>
    protected override void Dispose(bool disposing)
    {
        nint p = Interlocked.Exchange(ref _pointer, 0);
        if (p == 0)
            return;
        int length = _length;
        _length = 0;
        Interlocked.Increment(ref s_returns);
        try
        {
            if (SegmentCache.Holds(length))
                SegmentCache.Keep((void*)p);
            else
                FioMemory.Free((void*)p);
        }
        finally
        {
            if (!FioMemoryOptions.Checked)
                Keep(this);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FioMemoryOwner Take()
    {
        if (FioMemoryOptions.Checked)
            return new FioMemoryOwner();
        FioMemoryOwner? owner = t_head;
        if (owner is null)
            return TakeBatch();
        t_head = owner._next;
        owner._next = null;
        t_count--;
        return owner;
    }

    /// <summary>The thread's list is empty: takes up to <see cref="Batch"/> owners from the shared list, or makes one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static FioMemoryOwner TakeBatch()
    {
        FioMemoryOwner? first;
        int taken = 1;
        lock (s_lock)
        {
            first = s_head;
            if (first is null)
                return new FioMemoryOwner();
            FioMemoryOwner last = first;
            while (taken < Batch && last._next is { } next)
            {
                last = next;
                taken++;
            }
            s_head = last._next;
            s_count -= taken;
            last._next = null;
        }
        t_head = first._next;
        t_count = taken - 1;
        first._next = null;
        return first;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(FioMemoryOwner owner)
    {
        if (t_count < ThreadCapacity)
        {
            owner._next = t_head;
            t_head = owner;
            t_count++;
            return;
        }
        KeepBatch(owner);
    }

    /// <summary>The thread's list is full: moves <paramref name="owner"/> and <see cref="Batch"/> more to the shared list.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void KeepBatch(FioMemoryOwner owner)
    {
        FioMemoryOwner last = t_head!;
        for (int i = 1; i < Batch; i++)
            last = last._next!;
        owner._next = t_head;
        t_head = last._next;
        t_count -= Batch;
        last._next = null;
        lock (s_lock)
        {
            // A full shared list leaves the batch to the GC.
            if (s_count + Batch + 1 > SharedCapacity)
                return;
            last._next = s_head;
            s_head = owner;
            s_count += Batch + 1;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowReturned() =>
        throw new ObjectDisposedException(nameof(FioMemoryPool), "This FioMemoryPool buffer has been returned (its owner was disposed).");
}
