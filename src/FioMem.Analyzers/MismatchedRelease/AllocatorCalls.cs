// FIO002's view of the call table: which allocator a call allocates with or releases to, and the like-for-like release.
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.MismatchedRelease;

/// <summary>Classifies allocation and release calls by allocator family, through <see cref="FioMemCalls"/>.</summary>
internal static class AllocatorCalls
{
    /// <summary>The family a call's result comes from, or <see cref="AllocatorFamily.Unknown"/>.</summary>
    [MethodImpl(Hot.Optimized)]
    public static AllocatorFamily AllocationFamily(IMethodSymbol method, KnownSymbols symbols)
    {
        var call = FioMemCalls.Classify(method, symbols);
        return call.Role is MemoryCallRole.Allocate or MemoryCallRole.Reallocate ? call.Family : AllocatorFamily.Unknown;
    }

    /// <summary>
    /// The family whose memory a call releases (or reallocates) through its first argument; <see cref="AllocatorFamily.Unknown"/>
    /// for any other call. <paramref name="isRealloc"/> tells a reallocation from a release.
    /// </summary>
    [MethodImpl(Hot.Optimized)]
    public static AllocatorFamily ReleaseFamily(IMethodSymbol method, KnownSymbols symbols, out bool isRealloc)
    {
        var call = FioMemCalls.Classify(method, symbols);
        isRealloc = call.Role == MemoryCallRole.Reallocate;
        return call.Role is MemoryCallRole.Release or MemoryCallRole.Reallocate && !call.ReleasesReceiver
            ? call.Family
            : AllocatorFamily.Unknown;
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
        (AllocatorFamily.CoTaskMem, false) => "System.Runtime.InteropServices.Marshal.FreeCoTaskMem",
        _ => null,
    };

    /// <summary>
    /// Whether a reallocation can be rewritten to <see cref="MatchingCall"/> argument for argument: only the
    /// <c>(void* ptr, nuint byteCount)</c> reallocations of <c>FioMemory</c> and <c>NativeMemory</c> are alike.
    /// </summary>
    public static bool HasLikeForLikeRealloc(IMethodSymbol realloc, AllocatorFamily release) =>
        release is AllocatorFamily.FioMem or AllocatorFamily.NativeMemory
        && realloc.Name == "Realloc" && realloc.Parameters.Length == 2;

    /// <summary>
    /// True when releasing (or reallocating) memory of <paramref name="origin"/> with <paramref name="releaseMethod"/>, of
    /// family <paramref name="release"/>, mixes FioMem with another allocator in a way that breaks: FioMem memory given
    /// to anything else, and memory of another allocator given to FioMem unless FioMem hands it on to the right call
    /// (<see cref="FioMemHandsBack"/>).
    /// </summary>
    public static bool IsMismatch(AllocatorFamily origin, AllocatorFamily release, IMethodSymbol releaseMethod) =>
        origin != AllocatorFamily.Unknown && release != AllocatorFamily.Unknown && origin != release
        && (origin == AllocatorFamily.FioMem || release == AllocatorFamily.FioMem)
        && !(release == AllocatorFamily.FioMem && FioMemHandsBack(origin, releaseMethod));

    /// <summary>
    /// Whether FioMem's <paramref name="releaseMethod"/> hands memory of <paramref name="origin"/> to the
    /// <c>NativeMemory</c> call that takes it: <c>FioMemory.Free</c> and <c>Realloc</c> (and the typed frees and
    /// resizes, which call them) go to <c>NativeMemory.Free</c> and <c>Realloc</c>, so they take
    /// <c>Alloc</c>/<c>AllocZeroed</c>/<c>Realloc</c> memory; <c>FioMemory.AlignedFree</c> and <c>AlignedRealloc</c> go to
    /// <c>NativeMemory.AlignedFree</c> and <c>AlignedRealloc</c>, so they take <c>AlignedAlloc</c>/<c>AlignedRealloc</c>
    /// memory. Marshal's memory is not <c>NativeMemory</c>'s on Windows, and a plain/aligned mix-up breaks there too.
    /// </summary>
    private static bool FioMemHandsBack(AllocatorFamily origin, IMethodSymbol releaseMethod) =>
        origin == (releaseMethod.Name is "AlignedFree" or "AlignedRealloc" ? AllocatorFamily.NativeMemoryAligned : AllocatorFamily.NativeMemory);
}
