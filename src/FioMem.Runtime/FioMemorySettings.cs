// The settings FioMem runs with, and whether they have been read yet: for start-up logs and for hosts that configure
// FioMem in code before its first use.
using System;

namespace FioMem;

/// <summary>
/// The settings FioMem runs with. FioMem reads them once, the first time it is used (an allocation, a pool's first
/// rental, <see cref="FioMemory.GetStatistics"/>), from environment variables and then <c>runtimeconfig.json</c>
/// properties or <see cref="AppContext"/> data (the README's Configuration section lists them); after that they do
/// not change for the life of the process.
/// </summary>
/// <remarks>
/// Every property but <see cref="AreRead"/> reads the settings if they have not been read yet, so it fixes them as
/// FioMem's first use would. <see cref="AreRead"/> only tells whether that has happened: while it is false, setting
/// <see cref="AppContext"/> data (<c>AppContext.SetData("FioMem.Checked", true)</c>) still changes what FioMem will use.
/// </remarks>
public static class FioMemorySettings
{
    /// <summary>Set by the last initialiser of <see cref="FioMemoryOptions"/>; this class has no initialiser of its
    /// own, so reading it never reads the settings.</summary>
    private static volatile bool s_read;

    /// <summary>Whether FioMem has read its settings: after that, changing environment variables or
    /// <see cref="AppContext"/> data has no effect on them.</summary>
    public static bool AreRead => s_read;

    /// <summary>Whether checked mode is on (<c>FioMem.Checked</c>, <c>FIOMEM_CHECKED</c>).</summary>
    public static bool Checked => FioMemoryOptions.Checked;

    /// <summary>The most empty blocks the pool keeps before blocks go back to the operating system
    /// (<c>FioMem.MaxPooledBlocks</c>, <c>FIOMEM_MAX_POOLED_BLOCKS</c>).</summary>
    public static int MaxPooledBlocks => FioMemoryOptions.MaxPooledBlocks;

    /// <summary>The address space reserved for blocks, in bytes (<c>FioMem.ReserveBytes</c>,
    /// <c>FIOMEM_RESERVE_BYTES</c>); not used when <see cref="PortableMemory"/> is on.</summary>
    public static long ReserveBytes => FioMemoryOptions.ReserveBytes;

    /// <summary>Whether blocks come from <c>NativeMemory.AlignedAlloc</c> instead of reserved address space
    /// (<c>FioMem.PortableMemory</c>, <c>FIOMEM_PORTABLE_MEMORY</c>).</summary>
    public static bool PortableMemory => FioMemoryOptions.PortableMemory;

    /// <summary>How long a pooled block stays unused before it goes back to the operating system by itself
    /// (<c>FioMem.TrimDelay</c>, <c>FIOMEM_TRIM_DELAY</c>, in milliseconds); <see cref="TimeSpan.Zero"/> when only
    /// <see cref="FioMemory.Trim"/> releases pooled blocks.</summary>
    public static TimeSpan TrimDelay => TimeSpan.FromMilliseconds(FioMemoryOptions.TrimDelayMilliseconds);

    /// <summary>Records that the settings have been read; called once, by <see cref="FioMemoryOptions"/>'s initialiser.</summary>
    internal static bool MarkRead()
    {
        s_read = true;
        return true;
    }
}
