// Whether a solved pointer group moves to FioMemory, and each call's twin: shared by FIO003 and the interception generator.
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Migration;

/// <summary>
/// The verdict on a solved <see cref="CallGroup"/>, from plain facts about the project (so a caller without symbols —
/// the build-time interception — decides exactly as FIO003 does).
/// </summary>
internal static class MigrationDecision
{
    /// <summary>True when the referenced FioMemory has <c>AllocLongLived</c> (the twin of a never-freed allocation).</summary>
    public static bool HasLongLivedTwin(INamedTypeSymbol fioMemory) => !fioMemory.GetMembers("AllocLongLived").IsEmpty;

    /// <summary>
    /// Whether <paramref name="group"/> migrates (<see cref="LeftAloneReason.None"/>) or why not; when it does,
    /// <paramref name="rewrites"/> holds the FioMemory method for each of its calls, in order.
    /// </summary>
    public static LeftAloneReason Decide(CallGroup group, bool hasLongLivedTwin, bool isMultiTarget, bool definesFioMemSymbol,
        out string[] rewrites)
    {
        rewrites = System.Array.Empty<string>();
        if (group.Reason != LeftAloneReason.None)
            return group.Reason;

        bool allocates = false, releases = false, reallocates = false, longLivedShape = true;
        foreach (var call in group.Calls)
        {
            if (call.FioMethod is null)
                return LeftAloneReason.NoFioMemoryTwin;
            if (call.InGeneratedCode)
                return LeftAloneReason.GeneratedCode;
            switch (call.Role)
            {
                case NativeMemoryCallRole.Allocate:
                    allocates = true;
                    longLivedShape &= call.NativeMethod is "Alloc" or "AllocZeroed" && call.ArgumentCount == 1;
                    break;
                case NativeMemoryCallRole.Reallocate:
                    reallocates = true;
                    break;
                case NativeMemoryCallRole.Release:
                    releases = true;
                    break;
            }
        }

        if (!allocates && !reallocates)
            return LeftAloneReason.NoAllocation;
        if (isMultiTarget && !definesFioMemSymbol)
            return LeftAloneReason.MultiTargetWithoutFioMemSymbol;

        rewrites = new string[group.Calls.Count];
        if (releases)
        {
            for (int i = 0; i < rewrites.Length; i++)
                rewrites[i] = group.Calls[i].FioMethod!;
            return LeftAloneReason.None;
        }

        // Never freed: plain Alloc would keep a block reserved for good.
        if (reallocates || !longLivedShape || !hasLongLivedTwin)
            return LeftAloneReason.NeverFreedWithoutLongLivedTwin;
        if (isMultiTarget)
            return LeftAloneReason.NeverFreedInMultiTargetProject;
        for (int i = 0; i < rewrites.Length; i++)
            rewrites[i] = "AllocLongLived";
        return LeftAloneReason.None;
    }
}
