// VirtualAlloc and VirtualFree from kernel32.
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
}
