// Memory from the operating system: one face over the Unix, Windows and portable primitives.
using System;
using System.Runtime.InteropServices;

namespace FioMem.Os;

/// <summary>
/// The operating-system primitives the allocator needs. <see cref="ReserveRegion"/> and friends back the blocks;
/// <see cref="Map"/>/<see cref="Unmap"/>/<see cref="TryRemap"/> back large allocations.
/// </summary>
internal static unsafe class SystemMemory
{
    /// <summary>Whether virtual memory can be reserved up front (mmap or VirtualAlloc are available).</summary>
    public static readonly bool CanReserve = OperatingSystem.IsWindows() || UnixMemory.IsAvailable;

    /// <summary>The page size.</summary>
    public static readonly nuint PageSize = (nuint)Environment.SystemPageSize;

    /// <summary>Reserves <paramref name="size"/> bytes of address space; null when the system refuses.</summary>
    public static void* ReserveRegion(nuint size) =>
        OperatingSystem.IsWindows() ? WindowsMemory.Reserve(size) : UnixMemory.Reserve(size);

    /// <summary>Makes a reserved range usable. Its pages read as zero the first time.</summary>
    public static bool Commit(void* address, nuint size) =>
        !OperatingSystem.IsWindows() || WindowsMemory.Commit(address, size);

    /// <summary>Gives a range's pages back; the range stays reserved and reads as zero once committed again.</summary>
    public static void Decommit(void* address, nuint size)
    {
        if (OperatingSystem.IsWindows())
            WindowsMemory.Decommit(address, size);
        else
            UnixMemory.Decommit(address, size);
    }

    /// <summary>Maps <paramref name="size"/> zeroed, page-aligned bytes; null when out of memory.</summary>
    public static void* Map(nuint size)
    {
        if (OperatingSystem.IsWindows())
            return WindowsMemory.Map(size);
        if (UnixMemory.IsAvailable)
            return UnixMemory.Map(size);
        try
        {
            void* p = NativeMemory.AlignedAlloc(size, PageSize);
            NativeMemory.Clear(p, size);
            return p;
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Releases what <see cref="Map"/> returned.</summary>
    public static void Unmap(void* address, nuint size)
    {
        if (OperatingSystem.IsWindows())
            WindowsMemory.Unmap(address);
        else if (UnixMemory.IsAvailable)
            UnixMemory.Unmap(address, size);
        else
            NativeMemory.AlignedFree(address);
    }

    /// <summary>Resizes a mapping without copying where the system can (Linux mremap); null otherwise.</summary>
    public static void* TryRemap(void* address, nuint oldSize, nuint newSize) =>
        OperatingSystem.IsLinux() && UnixMemory.IsAvailable ? UnixMemory.Remap(address, oldSize, newSize) : null;

    /// <summary>
    /// Whether the page at <paramref name="page"/> (page aligned) is certainly neither mapped nor committed, so no live
    /// allocation of any allocator starts there. False when the system cannot tell.
    /// </summary>
    public static bool IsCertainlyUnmapped(void* page) =>
        OperatingSystem.IsWindows() ? WindowsMemory.IsCertainlyUnmapped(page) : UnixMemory.IsAvailable && UnixMemory.IsCertainlyUnmapped(page);

    /// <summary>Rounds up to a whole number of pages, or returns 0 when that overflows.</summary>
    public static nuint RoundToPages(nuint size)
    {
        nuint mask = PageSize - 1;
        return size > nuint.MaxValue - mask ? 0 : (size + mask) & ~mask;
    }
}
