// Which allocator a call allocates with or releases to, for FIO002.
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.MismatchedRelease;

/// <summary>Classifies allocation and release calls by allocator family.</summary>
internal static class AllocatorCalls
{
    /// <summary>The family a call's result comes from, or <see cref="AllocatorFamily.Unknown"/>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static AllocatorFamily AllocationFamily(IMethodSymbol method, KnownSymbols symbols)
    {
        if (KnownSymbols.IsOn(method, symbols.FioMemory))
            return method.Name is "Alloc" or "AllocZeroed" or "Realloc" or "AllocLongLived" ? AllocatorFamily.FioMem : AllocatorFamily.Unknown;
        if (KnownSymbols.IsOn(method, symbols.FioAlloc))
            return method.Name == "New" ? AllocatorFamily.FioMem : AllocatorFamily.Unknown;
        if (KnownSymbols.IsOn(method, symbols.NativeMemory))
        {
            return method.Name switch
            {
                "Alloc" or "AllocZeroed" or "Realloc" => AllocatorFamily.NativeMemory,
                "AlignedAlloc" or "AlignedRealloc" => AllocatorFamily.NativeMemoryAligned,
                _ => AllocatorFamily.Unknown,
            };
        }

        if (KnownSymbols.IsOn(method, symbols.Marshal))
            return method.Name is "AllocHGlobal" or "ReAllocHGlobal" ? AllocatorFamily.HGlobal : AllocatorFamily.Unknown;
        return AllocatorFamily.Unknown;
    }

    /// <summary>
    /// The family a call releases (or reallocates) memory of, for the calls FIO002 checks; <see cref="AllocatorFamily.Unknown"/>
    /// for any other call. <paramref name="isRealloc"/> tells a two-argument reallocation from a release.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static AllocatorFamily ReleaseFamily(IMethodSymbol method, KnownSymbols symbols, out bool isRealloc)
    {
        isRealloc = false;
        if (KnownSymbols.IsOn(method, symbols.FioMemory))
        {
            isRealloc = method.Name == "Realloc";
            return method.Name is "Free" or "Realloc" ? AllocatorFamily.FioMem : AllocatorFamily.Unknown;
        }

        if (KnownSymbols.IsOn(method, symbols.FioAlloc))
            return method.Name == "Free" ? AllocatorFamily.FioMem : AllocatorFamily.Unknown;
        if (KnownSymbols.IsOn(method, symbols.NativeMemory))
        {
            isRealloc = method.Name == "Realloc";
            return method.Name switch
            {
                "Free" or "Realloc" => AllocatorFamily.NativeMemory,
                "AlignedFree" => AllocatorFamily.NativeMemoryAligned,
                _ => AllocatorFamily.Unknown,
            };
        }

        if (KnownSymbols.IsOn(method, symbols.Marshal))
            return method.Name == "FreeHGlobal" ? AllocatorFamily.HGlobal : AllocatorFamily.Unknown;
        return AllocatorFamily.Unknown;
    }

    /// <summary>
    /// The call that releases memory of <paramref name="family"/> (or reallocates it, for <paramref name="isRealloc"/>),
    /// as a fully qualified method name; <see langword="null"/> when there is no like-for-like replacement.
    /// </summary>
    public static string? MatchingCall(AllocatorFamily family, bool isRealloc) => (family, isRealloc) switch
    {
        (AllocatorFamily.FioMem, false) => "FioMem.FioMemory.Free",
        (AllocatorFamily.FioMem, true) => "FioMem.FioMemory.Realloc",
        (AllocatorFamily.NativeMemory, false) => "System.Runtime.InteropServices.NativeMemory.Free",
        (AllocatorFamily.NativeMemory, true) => "System.Runtime.InteropServices.NativeMemory.Realloc",
        (AllocatorFamily.NativeMemoryAligned, false) => "System.Runtime.InteropServices.NativeMemory.AlignedFree",
        (AllocatorFamily.HGlobal, false) => "System.Runtime.InteropServices.Marshal.FreeHGlobal",
        _ => null,
    };

    /// <summary>True when releasing memory of <paramref name="origin"/> with <paramref name="release"/> mixes FioMem with another allocator.</summary>
    public static bool IsMismatch(AllocatorFamily origin, AllocatorFamily release) =>
        origin != AllocatorFamily.Unknown && release != AllocatorFamily.Unknown && origin != release
        && (origin == AllocatorFamily.FioMem || release == AllocatorFamily.FioMem);
}
