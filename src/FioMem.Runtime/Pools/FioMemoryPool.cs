// MemoryPool<byte> over FioMem: what System.IO.Pipelines and Kestrel rent their buffers from.
using System;
using System.Buffers;

namespace FioMem;

/// <summary>
/// A <see cref="MemoryPool{T}"/> whose buffers are native memory from <see cref="FioMemory"/>: plug it in wherever
/// .NET rents buffers from a pool (System.IO.Pipelines' <c>PipeOptions</c>, Kestrel through the
/// <c>FioMem.AspNetCore</c> package).
/// </summary>
/// <remarks>
/// <para>Each <see cref="Rent"/> allocates with <see cref="FioMemory.Alloc(nuint)"/> and hands the memory out through an
/// <see cref="IMemoryOwner{T}"/>; disposing the owner frees it, on any thread. The memory never moves, so pinning it
/// costs nothing. Buffers below <see cref="FioMemory.LargeAllocationThreshold"/> are sliced from FioMem's blocks;
/// larger ones are mapped from the operating system.</para>
/// <para>A returned buffer of <see cref="DefaultBufferSize"/> bytes is kept for the next rental of that size (cleared
/// then) and freed once no rental has needed it for about a second, so a server's pipe segments are reused one by one
/// rather than pinning FioMem blocks by their last live slice.</para>
/// <para>The memory is zeroed when rented. <see cref="MemoryPool{T}"/> does not promise that (other pools hand out
/// memory that previous renters wrote), so code that must also run on other pools should not count on it.</para>
/// <para>An owner that is never disposed keeps its memory until the process ends: there is no finalizer to return it
/// (as with <see cref="System.Runtime.InteropServices.NativeMemory"/>).</para>
/// <para>The owner objects are pooled: once warmed up, renting and returning allocate nothing on the GC heap. The
/// flip side is the usual pooled-buffer rule: after <c>Dispose</c>, neither the owner nor any <see cref="Memory{T}"/>
/// taken from it may be used, since both may already serve a later rental. Disposing an owner twice in a row is
/// harmless. In checked mode (<c>FioMem.Checked</c>) owners are not reused, so a use of the owner or of its
/// <see cref="Memory{T}"/> after return throws <see cref="ObjectDisposedException"/>, and a write through a span kept
/// from before the return is reported as a write after free when its block is recycled.</para>
/// </remarks>
public sealed class FioMemoryPool : MemoryPool<byte>
{
    /// <summary>The size <see cref="Rent"/> gives when asked for the default (-1): 4 KiB, the segment size of Pipelines and Kestrel.</summary>
    public const int DefaultBufferSize = 4096;

    private readonly bool _shared;

    /// <summary>Whether a reused 4 KiB segment is cleared before it is handed out (see <see cref="SegmentCache"/>).</summary>
    private readonly bool _clearReused;

    private volatile bool _disposed;

    /// <summary>Creates a pool. Every instance rents from the same FioMem allocator; disposing one only stops it renting.</summary>
    public FioMemoryPool()
    {
    }

    /// <summary>
    /// A pool for buffers whose every byte is written before it is read, such as pipe segments: a reused 4 KiB
    /// segment comes back as its last renter left it, which saves clearing 4 KiB per rental. Any other rental is
    /// zeroed as usual.
    /// </summary>
    internal static FioMemoryPool CreateUncleared() => new(shared: false, clearReused: false);

    private FioMemoryPool(bool shared, bool clearReused = true)
    {
        _shared = shared;
        _clearReused = clearReused;
    }

    /// <summary>The process-wide instance; disposing it does nothing.</summary>
    public static new FioMemoryPool Shared { get; } = new(shared: true);

    /// <summary>The largest buffer <see cref="Rent"/> hands out: <see cref="int.MaxValue"/> bytes, the most a
    /// <see cref="Memory{T}"/> can span (memory permitting).</summary>
    public override int MaxBufferSize => int.MaxValue;

    /// <summary>Rents a zeroed buffer of exactly <paramref name="minBufferSize"/> bytes (or <see cref="DefaultBufferSize"/>).</summary>
    /// <param name="minBufferSize">The size in bytes, from 0 to <see cref="MaxBufferSize"/>; -1 for <see cref="DefaultBufferSize"/>.</param>
    /// <returns>The owner of the buffer; dispose it to return the memory.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minBufferSize"/> is negative and not -1.</exception>
    /// <exception cref="ObjectDisposedException">This pool has been disposed.</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize < 0)
        {
            if (minBufferSize != -1)
                throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, "The buffer size must be -1 (the default size) or from 0 to MaxBufferSize.");
            minBufferSize = DefaultBufferSize;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        return FioMemoryOwner.Rent(minBufferSize, _clearReused);
    }

    /// <summary>Stops this pool renting (except <see cref="Shared"/>, which stays usable). Buffers already rented stay
    /// valid until their owners are disposed.</summary>
    /// <param name="disposing">Whether <see cref="IDisposable.Dispose"/> called.</param>
    protected override void Dispose(bool disposing)
    {
        if (!_shared)
            _disposed = true;
    }
}
