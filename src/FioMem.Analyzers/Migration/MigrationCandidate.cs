// One NativeMemory call found by the FIO003 analyzer, with what FioMem would replace it by.
using System;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Migration;

/// <summary>A <c>NativeMemory</c> call and its FioMem replacement (none when FioMem cannot serve it).</summary>
internal sealed class MigrationCandidate : IComparable<MigrationCandidate>
{
    public MigrationCandidate(SyntaxNode node, string nativeMethod, NativeMemoryCall call, int argumentCount,
        string member, bool inGeneratedCode, bool unboundedSize)
    {
        Node = PointerLocation.ForCall(node);
        Location = node.GetLocation();
        NativeMethod = nativeMethod;
        Role = call.Role;
        FioMethod = call.FioMethod;
        ArgumentCount = argumentCount;
        Member = member;
        InGeneratedCode = inGeneratedCode;
        UnboundedSize = unboundedSize;
    }

    /// <summary>A call replayed from facts kept without their compilation (see <see cref="PointerLocation.ForKey"/>).</summary>
    public MigrationCandidate(PointerLocation node, Location location, string nativeMethod, NativeMemoryCallRole role,
        string? fioMethod, int argumentCount, string member, bool inGeneratedCode, bool unboundedSize)
    {
        Node = node;
        Location = location;
        NativeMethod = nativeMethod;
        Role = role;
        FioMethod = fioMethod;
        ArgumentCount = argumentCount;
        Member = member;
        InGeneratedCode = inGeneratedCode;
        UnboundedSize = unboundedSize;
    }

    /// <summary>The call's node in the ownership graph.</summary>
    public PointerLocation Node { get; }

    /// <summary>Where the invocation is.</summary>
    public Location Location { get; }

    /// <summary>The <c>NativeMemory</c> method called.</summary>
    public string NativeMethod { get; }

    public NativeMemoryCallRole Role { get; }

    /// <summary>The <c>FioMemory</c> method of the same name, or <see langword="null"/> when FioMem has none.</summary>
    public string? FioMethod { get; }

    /// <summary>How many arguments the call passes (Alloc(n) or Alloc(count, size)).</summary>
    public int ArgumentCount { get; }

    /// <summary>The member the call is in (<c>Type.Member</c>), the group's name of last resort.</summary>
    public string Member { get; }

    /// <summary>True when the call is in generated code, which a fix must not edit.</summary>
    public bool InGeneratedCode { get; }

    /// <summary>True for an allocation whose size is computed from a 64-bit value or a file/stream length.</summary>
    public bool UnboundedSize { get; }

    /// <summary>Source order: by file path, then position.</summary>
    public int CompareTo(MigrationCandidate? other)
    {
        if (other is null)
            return 1;
        int byPath = string.CompareOrdinal(Location.SourceTree?.FilePath, other.Location.SourceTree?.FilePath);
        return byPath != 0 ? byPath : Location.SourceSpan.Start.CompareTo(other.Location.SourceSpan.Start);
    }
}
