// Which calls of a solved pointer group move to FioMemory, and to what: shared by FIO003 and the interception generator.
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Migration;

/// <summary>What becomes of one call: the FioMemory method it moves to, or why it stays.</summary>
internal readonly struct CallVerdict
{
    public CallVerdict(string? target, LeftAloneReason reason)
    {
        Target = target;
        Reason = reason;
    }

    /// <summary>The FioMemory method that replaces the call, or <see langword="null"/> when it stays.</summary>
    public string? Target { get; }

    /// <summary>Why it stays (<see cref="LeftAloneReason.None"/> when it moves).</summary>
    public LeftAloneReason Reason { get; }

    /// <summary>True when the call moves to FioMemory.</summary>
    public bool Moves => Target is not null;
}

/// <summary>
/// The verdicts on a solved <see cref="CallGroup"/>, from plain facts about the project (so a caller without symbols —
/// the build-time interception — decides exactly as FIO003 does).
/// </summary>
/// <remarks>
/// <para>
/// A release always moves: FioMemory's releases hand memory FioMem did not allocate back to NativeMemory, so the
/// rewritten call is right whatever the analysis knows of where the pointer came from.
/// </para>
/// <para>
/// An allocation moves only when its memory stays with FioMem: no outflow reaches its group (<see cref="CallGroup.Reason"/>),
/// and every release and reallocation the group has moves too. A reallocation is an allocation when it is given
/// <see langword="null"/>, so an outflow keeps it with the group's allocations; otherwise it moves (FioMemory.Realloc
/// hands NativeMemory's memory back to NativeMemory.Realloc), also where the memory is never freed. Memory that is
/// never freed moves to <c>AllocLongLived</c> where that twin fits (plain <c>Alloc</c> would keep a block reserved for
/// good), or stays.
/// </para>
/// </remarks>
internal static class MigrationDecision
{
    /// <summary>True when the referenced FioMemory has <c>AllocLongLived</c> (the twin of a never-freed allocation).</summary>
    public static bool HasLongLivedTwin(INamedTypeSymbol fioMemory) => !fioMemory.GetMembers("AllocLongLived").IsEmpty;

    /// <summary>The verdict on each call of <paramref name="group"/>, in the order of <see cref="CallGroup.Calls"/>.</summary>
    public static CallVerdict[] Decide(CallGroup group, bool hasLongLivedTwin, bool isMultiTarget, bool definesFioMemSymbol)
    {
        var calls = group.Calls;
        var verdicts = new CallVerdict[calls.Count];
        if (isMultiTarget && !definesFioMemSymbol)
        {
            for (int i = 0; i < verdicts.Length; i++)
                verdicts[i] = new CallVerdict(null, LeftAloneReason.MultiTargetWithoutFioMemSymbol);
            return verdicts;
        }

        // What keeps a call where it is, whatever its group: no FioMemory twin, or generated code a fix must not edit.
        bool releases = false, reallocates = false, longLivedShape = true, takerStays = false;
        for (int i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            var own = call.FioMethod is null ? LeftAloneReason.NoFioMemoryTwin
                : call.InGeneratedCode ? LeftAloneReason.GeneratedCode
                : LeftAloneReason.None;
            verdicts[i] = new CallVerdict(null, own);
            switch (call.Role)
            {
                case NativeMemoryCallRole.Allocate:
                    longLivedShape &= call.NativeMethod is "Alloc" or "AllocZeroed" && call.ArgumentCount == 1;
                    break;
                case NativeMemoryCallRole.Reallocate:
                    reallocates = true;
                    takerStays |= own != LeftAloneReason.None;
                    break;
                case NativeMemoryCallRole.Release:
                    releases = true;
                    takerStays |= own != LeftAloneReason.None;
                    if (own == LeftAloneReason.None)
                        verdicts[i] = new CallVerdict(call.FioMethod, LeftAloneReason.None);
                    break;
            }
        }

        // What keeps allocations and reallocations: an outflow, a release or reallocation that stays, memory handed out.
        LeftAloneReason escapes = group.Reason != LeftAloneReason.None ? group.Reason
            : takerStays ? LeftAloneReason.ReleaseStaysOnNativeMemory
            : group.HasPublicOutput && !releases ? LeftAloneReason.ReturnedFromPublicMember // other assemblies would free it
            : LeftAloneReason.None;

        // Memory never freed keeps only allocations: plain Alloc would pin a block for good. A reallocation moves (given
        // NativeMemory's memory, FioMemory.Realloc hands it back; given FioMem's or null, FioMem keeps the result).
        LeftAloneReason neverFreed = LeftAloneReason.None;
        bool longLived = false;
        if (escapes == LeftAloneReason.None && !releases)
        {
            if (reallocates || !longLivedShape || !hasLongLivedTwin)
                neverFreed = LeftAloneReason.NeverFreedWithoutLongLivedTwin;
            else if (isMultiTarget)
                neverFreed = LeftAloneReason.NeverFreedInMultiTargetProject;
            else
                longLived = true;
        }

        for (int i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            if (call.Role == NativeMemoryCallRole.Release || verdicts[i].Reason != LeftAloneReason.None)
                continue;
            var stays = escapes != LeftAloneReason.None ? escapes
                : call.Role == NativeMemoryCallRole.Allocate ? neverFreed
                : LeftAloneReason.None;
            verdicts[i] = stays != LeftAloneReason.None ? new CallVerdict(null, stays)
                : new CallVerdict(longLived && call.Role == NativeMemoryCallRole.Allocate ? "AllocLongLived" : call.FioMethod, LeftAloneReason.None);
        }

        return verdicts;
    }
}
