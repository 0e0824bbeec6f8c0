// A snapshot of the allocator's figures; the same figures the FioMem meter publishes.
namespace FioMem;

/// <summary>A snapshot of FioMem's figures, from <see cref="FioMemory.GetStatistics"/>.</summary>
public readonly record struct FioMemoryStatistics
{
    /// <summary>Bytes held from the operating system: every block in use or pooled, plus large and long-lived allocations.</summary>
    public long ReservedBytes { get; init; }

    /// <summary>The size of one block, in bytes.</summary>
    public int BlockSize { get; init; }

    /// <summary>Blocks that hold live allocations or are being sliced by a thread.</summary>
    public long BlocksInUse { get; init; }

    /// <summary>Empty blocks kept for reuse (at most the configured pool cap).</summary>
    public long BlocksPooled { get; init; }

    /// <summary>How many blocks have been returned to the operating system since start-up.</summary>
    public long BlocksReleased { get; init; }

    /// <summary>Live allocations at or above <see cref="FioMemory.LargeAllocationThreshold"/>, served by the system directly.</summary>
    public long LargeAllocations { get; init; }

    /// <summary>Bytes held by live large allocations.</summary>
    public long LargeBytes { get; init; }

    /// <summary>Live allocations made with <see cref="FioMemory.AllocLongLived(nuint)"/>.</summary>
    public long LongLivedAllocations { get; init; }

    /// <summary>Bytes held by live long-lived allocations.</summary>
    public long LongLivedBytes { get; init; }

    /// <summary>Threads that currently own a block to slice from.</summary>
    public int ThreadCaches { get; init; }

    /// <summary>The most blocks the pool keeps before it returns blocks to the operating system.</summary>
    public int MaxPooledBlocks { get; init; }

    /// <summary>Pooled blocks the automatic trims returned to the operating system since start-up: blocks unused for
    /// <see cref="TrimDelay"/>, and every pooled block when a gen-2 collection finds memory pressure high. Included in
    /// <see cref="BlocksReleased"/>.</summary>
    public long BlocksTrimmed { get; init; }

    /// <summary>When an automatic trim last returned blocks to the operating system (UTC); null if none has yet.</summary>
    public System.DateTime? LastTrim { get; init; }

    /// <summary>How long a pooled block stays unused before it goes back to the operating system by itself
    /// (<c>FioMem.TrimDelay</c>); <see cref="System.TimeSpan.Zero"/> when only <see cref="FioMemory.Trim"/> releases pooled blocks.</summary>
    public System.TimeSpan TrimDelay { get; init; }

    /// <summary>Buffers rented from any <see cref="FioMemoryPool"/> since start-up.</summary>
    public long MemoryPoolRentals { get; init; }

    /// <summary>Buffers rented from a <see cref="FioMemoryPool"/> and not returned yet.</summary>
    public long MemoryPoolBuffers { get; init; }

    /// <summary>Releases and reallocations of memory FioMem did not allocate that <c>Free</c>, <c>AlignedFree</c>,
    /// <c>Realloc</c> and <c>AlignedRealloc</c> handed to the matching <see cref="System.Runtime.InteropServices.NativeMemory"/>
    /// call since start-up. Code fully moved to FioMem keeps it at zero.</summary>
    public long NativeMemoryHandoffs { get; init; }

    /// <summary>Whether checked mode (double-free, interior-free and write-after-free detection) is on.</summary>
    public bool CheckedMode { get; init; }
}
