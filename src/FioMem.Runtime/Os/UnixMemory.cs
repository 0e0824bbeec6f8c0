// mmap, munmap, madvise, mremap and mincore from the C library, bound at run time (glibc, musl and macOS name it
// differently).
using System;
using System.Runtime.InteropServices;

namespace FioMem.Os;

internal static unsafe class UnixMemory
{
    private const int ProtRead = 1, ProtWrite = 2;
    private const int MapPrivate = 2, MapFixed = 0x10;
    private const int LinuxMapAnonymous = 0x20, LinuxMapNoReserve = 0x4000;
    private const int BsdMapAnonymous = 0x1000;
    private const int LinuxMadvDontNeed = 4;
    private const int MremapMayMove = 1;
    private const int ErrNoMemory = 12; // ENOMEM on Linux, macOS and the BSDs.

    private static readonly delegate* unmanaged<void*, nuint, int, int, int, nint, void*> s_mmap;
    private static readonly delegate* unmanaged<void*, nuint, int> s_munmap;
    private static readonly delegate* unmanaged<void*, nuint, int, int> s_madvise;
    private static readonly delegate* unmanaged<void*, nuint, nuint, int, void*> s_mremap;
    private static readonly delegate* unmanaged<void*, nuint, byte*, int> s_mincore;

    /// <summary>Whether the C library's memory-mapping functions were found.</summary>
    public static readonly bool IsAvailable;

    /// <summary>The C library they were found in (0 when <see cref="IsAvailable"/> is false), for other bindings.</summary>
    public static readonly nint Library;

    private static readonly int s_anonymous = OperatingSystem.IsLinux() ? LinuxMapAnonymous : BsdMapAnonymous;
    private static readonly int s_noReserve = OperatingSystem.IsLinux() ? LinuxMapNoReserve : 0;

    static UnixMemory()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsBrowser() || OperatingSystem.IsWasi())
            return;
        string[] names = OperatingSystem.IsLinux() ? ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libc.so", "libc"]
            : OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsMacCatalyst()
                ? ["/usr/lib/libSystem.dylib", "libc"] : ["libc.so.7", "libc"];
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint lib))
                continue;
            if (NativeLibrary.TryGetExport(lib, "mmap", out nint mmap) && NativeLibrary.TryGetExport(lib, "munmap", out nint munmap)
                && NativeLibrary.TryGetExport(lib, "madvise", out nint madvise))
            {
                s_mmap = (delegate* unmanaged<void*, nuint, int, int, int, nint, void*>)mmap;
                s_munmap = (delegate* unmanaged<void*, nuint, int>)munmap;
                s_madvise = (delegate* unmanaged<void*, nuint, int, int>)madvise;
                if (OperatingSystem.IsLinux() && NativeLibrary.TryGetExport(lib, "mremap", out nint mremap))
                    s_mremap = (delegate* unmanaged<void*, nuint, nuint, int, void*>)mremap;
                if (NativeLibrary.TryGetExport(lib, "mincore", out nint mincore))
                    s_mincore = (delegate* unmanaged<void*, nuint, byte*, int>)mincore;
                Library = lib;
                IsAvailable = true;
                return;
            }
        }
    }

    private static bool Failed(void* p) => p == null || p == (void*)-1;

    public static void* Reserve(nuint size)
    {
        void* p = s_mmap(null, size, ProtRead | ProtWrite, MapPrivate | s_anonymous | s_noReserve, -1, 0);
        return Failed(p) ? null : p;
    }

    public static void Decommit(void* address, nuint size)
    {
        // Linux's MADV_DONTNEED drops private anonymous pages at once and refills them with zeros; elsewhere
        // MADV_DONTNEED may keep the bytes, so a fresh anonymous mapping replaces the range.
        if (OperatingSystem.IsLinux() && s_madvise(address, size, LinuxMadvDontNeed) == 0)
            return;
        void* p = s_mmap(address, size, ProtRead | ProtWrite, MapPrivate | MapFixed | s_anonymous | s_noReserve, -1, 0);
        if (Failed(p))
            NativeMemory.Clear(address, size);
    }

    public static void* Map(nuint size)
    {
        void* p = s_mmap(null, size, ProtRead | ProtWrite, MapPrivate | s_anonymous, -1, 0);
        return Failed(p) ? null : p;
    }

    public static void Unmap(void* address, nuint size) => s_munmap(address, size);

    public static void* Remap(void* address, nuint oldSize, nuint newSize)
    {
        if (s_mremap == null)
            return null;
        void* p = s_mremap(address, oldSize, newSize, MremapMayMove);
        return Failed(p) ? null : p;
    }

    /// <summary>
    /// Whether the page at <paramref name="page"/> (page aligned) is certainly not mapped: <c>mincore</c> failed with
    /// ENOMEM. Any other outcome, including an error it could not read, answers false.
    /// </summary>
    public static bool IsCertainlyUnmapped(void* page)
    {
        if (s_mincore == null)
            return false;
        byte resident;
        Marshal.SetLastSystemError(0);
        return s_mincore(page, 1, &resident) != 0 && Marshal.GetLastSystemError() == ErrNoMemory;
    }
}
