// One NativeMemory call found by the FIO003 analyzer, with what FioMem would replace it by.
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Migration;

/// <summary>A <c>NativeMemory</c> call and its FioMem replacement (none when FioMem cannot serve it).</summary>
internal sealed class MigrationCandidate
{
    public MigrationCandidate(SyntaxNode node, string nativeMethod, NativeMemoryCall call)
    {
        Node = node;
        Location = node.GetLocation();
        NativeMethod = nativeMethod;
        Role = call.Role;
        FioMethod = call.FioMethod;
        DropsAlignment = call.DropsAlignment;
    }

    /// <summary>The invocation syntax.</summary>
    public SyntaxNode Node { get; }

    /// <summary>Where the invocation is; also its identity in <see cref="PointerGroups"/> (stable across semantic models).</summary>
    public Location Location { get; }

    /// <summary>The <c>NativeMemory</c> method called.</summary>
    public string NativeMethod { get; }

    public NativeMemoryCallRole Role { get; }

    /// <summary>The <c>FioMemory</c> method to call instead, or <see langword="null"/>.</summary>
    public string? FioMethod { get; }

    /// <summary>True when the rewrite drops the alignment argument of <c>AlignedAlloc</c>.</summary>
    public bool DropsAlignment { get; }
}
