// VirtualAlloc, VirtualFree, VirtualQuery and GetCurrentThreadStackLimits from kernel32.
using System.Runtime.InteropServices;

namespace FioMem.Os;

internal static unsafe partial class WindowsMemory
{
    private const uint MemCommit = 0x1000, MemReserve = 0x2000, MemDecommit = 0x4000, MemRelease = 0x8000;
    private const uint PageReadWrite = 0x04;

    [LibraryImport("kernel32.dll")]
    private static partial void* VirtualAlloc(void* address, nuint size, uint allocationType, uint protect);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualFree(void* address, nuint size, uint freeType);

    public static void* Reserve(nuint size) => VirtualAlloc(null, size, MemReserve, PageReadWrite);

    public static bool Commit(void* address, nuint size) => VirtualAlloc(address, size, MemCommit, PageReadWrite) != null;

    public static void Decommit(void* address, nuint size) => VirtualFree(address, size, MemDecommit);

    public static void* Map(nuint size) => VirtualAlloc(null, size, MemReserve | MemCommit, PageReadWrite);

    public static void Unmap(void* address) => VirtualFree(address, 0, MemRelease);

    /// <summary>MEMORY_BASIC_INFORMATION: sequential layout gives its 32- and 64-bit offsets (PartitionId sits in the
    /// padding before <see cref="RegionSize"/>).</summary>
    private struct MemoryBasicInformation
    {
        public nuint BaseAddress;
        public nuint AllocationBase;
        public uint AllocationProtect;
        public nuint RegionSize;
        public uint State;
        public uint Protect;
        public uint Type;
    }

    [LibraryImport("kernel32.dll")]
    private static partial nuint VirtualQuery(void* address, MemoryBasicInformation* buffer, nuint length);

    [LibraryImport("kernel32.dll")]
    private static partial void GetCurrentThreadStackLimits(nuint* lowLimit, nuint* highLimit);

    /// <summary>Whether the page at <paramref name="page"/> is certainly not committed (free or only reserved).</summary>
    public static bool IsCertainlyUnmapped(void* page)
    {
        MemoryBasicInformation info;
        return VirtualQuery(page, &info, (nuint)sizeof(MemoryBasicInformation)) != 0 && info.State != MemCommit;
    }

    /// <summary>The calling thread's stack, [low, high).</summary>
    public static void GetStackLimits(out nuint low, out nuint high)
    {
        nuint l, h;
        GetCurrentThreadStackLimits(&l, &h);
        low = l;
        high = h;
    }
}
