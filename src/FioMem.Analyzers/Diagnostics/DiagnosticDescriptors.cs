// Every FioMem diagnostic in one place; the code fixes reuse the ID constants.
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Diagnostics;

/// <summary>The IDs of FioMem's diagnostics.</summary>
public static class DiagnosticIds
{
    public const string StaticStorage = "FIO001";
    public const string MismatchedRelease = "FIO002";
    public const string NativeMemoryMigration = "FIO003";
    public const string IneligibleType = "FIO004";
    public const string LargeType = "FIO005";
    public const string UseAfterFree = "FIO006";
    public const string ReallocInLoop = "FIO007";
    public const string PointerMembersLeftOut = "FIO008";
}

/// <summary>The descriptors of FioMem's diagnostics, each with a help link to its page in <c>docs/diagnostics/</c>
/// on the project's repository (<see cref="HelpLinks"/>).</summary>
internal static class DiagnosticDescriptors
{
    private const string Usage = "FioMem.Usage";
    private const string Performance = "FioMem.Performance";
    private const string Migration = "FioMem.Migration";

    public static readonly DiagnosticDescriptor StaticStorage = new(
        DiagnosticIds.StaticStorage,
        title: "FioMem allocation kept in static storage",
        messageFormat: "FioMem allocation is stored in static '{0}': it pins a whole {1}-byte block for the life of the process; use FioMemory.AllocLongLived for long-lived data",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "FioMem reclaims memory a whole block at a time. An allocation reachable from static storage lives as long as the process and keeps its block (and every other slice in it) reserved.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.StaticStorage));

    /// <summary>FIO001 for memory of a <c>FioHeap</c>: the same rule, with the reason that applies to a heap.</summary>
    public static readonly DiagnosticDescriptor StaticStorageOfHeapMemory = new(
        DiagnosticIds.StaticStorage,
        title: "FioMem allocation kept in static storage",
        messageFormat: "Memory of a FioHeap is stored in static '{0}': the heap releases it on Reset or Dispose and the static keeps a dangling pointer; use FioMemory.AllocLongLived for data that outlives the heap",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A heap releases everything allocated from it at once. Memory of a heap reachable from static storage outlives the heap's next Reset or Dispose, after which any use of it is a use after free.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.StaticStorage));

    public static readonly DiagnosticDescriptor MismatchedRelease = new(
        DiagnosticIds.MismatchedRelease,
        title: "Memory released by another allocator than the one that made it",
        messageFormat: "Memory from {0} is released with {1}; release it with {2}",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Each allocator can only release its own memory. Passing FioMem memory to NativeMemory or Marshal corrupts the heap. FioMemory hands NativeMemory's memory to the matching NativeMemory call, which is not reported; Marshal's memory (HGlobal, CoTaskMem), or aligned and plain NativeMemory memory swapped, reaches the wrong allocator.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.MismatchedRelease));

    public static readonly DiagnosticDescriptor NativeMemoryMigration = new(
        DiagnosticIds.NativeMemoryMigration,
        title: "NativeMemory call can use FioMem",
        messageFormat: "NativeMemory.{0} can be served by FioMemory.{1} ({2}){3}",
        category: Migration,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "FioMemory mirrors NativeMemory's API with a faster allocator for small, short-lived allocations. The code fix rewrites every allocation, reallocation and release of the pointer group at once.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.NativeMemoryMigration),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor IneligibleType = new(
        DiagnosticIds.IneligibleType,
        title: "[FioAllocated] type cannot be allocated by FioMem",
        messageFormat: "'{0}' cannot be [FioAllocated]: {1}",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "[FioAllocated] applies to non-generic, unmanaged, partial structs whose containing types are all partial.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.IneligibleType));

    public static readonly DiagnosticDescriptor LargeType = new(
        DiagnosticIds.LargeType,
        title: "[FioAllocated] struct is too large for FioMem's blocks",
        messageFormat: "'{0}' is {1} bytes, at or over FioMem's large-allocation limit of {2} bytes: every allocation takes the slow system path",
        category: Performance,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Allocations at or over the large-allocation limit bypass FioMem's blocks and go to the operating system one by one.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.LargeType));

    public static readonly DiagnosticDescriptor UseAfterFree = new(
        DiagnosticIds.UseAfterFree,
        title: "FioMem pointer used after it was freed",
        messageFormat: "'{0}' is {1} after it was freed",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Once freed, FioMem memory may be handed to another allocation on any thread; reading, writing or freeing it again corrupts that allocation.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.UseAfterFree));

    public static readonly DiagnosticDescriptor ReallocInLoop = new(
        DiagnosticIds.ReallocInLoop,
        title: "Resize in a loop that also allocates: each growth copies",
        messageFormat: "{0} runs on every iteration of a loop that also allocates with {1}: the buffer is then no longer the thread's latest allocation, so each growth copies it; allocate the final size once, grow geometrically, or allocate the other memory outside the loop",
        category: Performance,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "FioMem grows a small allocation in place when it is the latest allocation of the calling thread's current block and the new size fits in that block (a shrink always stays in place); otherwise Realloc allocates, copies and frees. Another allocation made between two resizes takes the slices after the buffer, so every growth copies it.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.ReallocInLoop));

    public static readonly DiagnosticDescriptor PointerMembersLeftOut = new(
        DiagnosticIds.PointerMembersLeftOut,
        title: "[FioAllocated] struct gets no pointer members: the project does not allow unsafe code",
        messageFormat: "'{0}' gets no {1}: these members use pointers and the project does not allow unsafe code; add <AllowUnsafeBlocks>true</AllowUnsafeBlocks> to the project file to have them generated",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "The generator adds New and Free, which return and take a pointer, only when the compilation allows unsafe code; without it the struct still gets IFioAllocated<T>, NewArray, NewOwned and FreeArray.",
        helpLinkUri: HelpLinks.For(DiagnosticIds.PointerMembersLeftOut));
}
