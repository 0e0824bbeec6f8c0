// The method names each rule's calls go by, and the syntax scan that tells whether some code can contain such a call.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FioMem.Analyzers.Common;

/// <summary>
/// A set of method names, used as a cheap syntax-level pre-filter: code in which none of the names occurs as an
/// identifier cannot call (or take a method group of) any method so named, so the analyzers do not ask for its
/// operation tree at all. Building that tree (binding the member a second time) is most of what an IOperation-based
/// analyzer costs; most members of a project call no allocator.
/// </summary>
/// <remarks>
/// The filter looks at the <em>method</em> name, which every call, method group (<c>&amp;NativeMemory.Free</c>) and
/// delegate creation spells out whatever the receiver is written as: a type name, an alias, <c>using static</c>, a
/// generated <c>T.New</c>. It over-approximates (a local named <c>Free</c> passes it too); the IOperation analysis
/// behind it decides. Each set must hold every name the matching <see cref="KnownSymbols"/> or rule predicate accepts;
/// <c>CalledNamesTests</c> checks that against the referenced FioMem and .NET.
/// </remarks>
internal sealed class CalledNames
{
    /// <summary>FIO001: the block allocations of <see cref="KnownSymbols.IsBlockAllocation"/>.</summary>
    public static readonly CalledNames BlockAllocations = new("Alloc", "AllocZeroed", "Realloc", "New", "NewArray", "NewOwned");

    /// <summary>FIO002: the releases and reallocations <c>AllocatorCalls.ReleaseFamily</c> classifies.</summary>
    public static readonly CalledNames Releases = new("Free", "Realloc", "AlignedFree", "FreeHGlobal");

    /// <summary>FIO006: the FioMem frees of <see cref="KnownSymbols.IsFree"/>.</summary>
    public static readonly CalledNames Frees = new("Free", "FreeArray");

    /// <summary>FIO007: the resizes of <see cref="KnownSymbols.IsResize"/>.</summary>
    public static readonly CalledNames Resizes = new("Realloc", "Resize");

    /// <summary>FIO003: the <c>NativeMemory</c> methods the migration classifies or treats as method groups.</summary>
    public static readonly CalledNames NativeMemoryMethods =
        new("Alloc", "AllocZeroed", "AlignedAlloc", "Realloc", "AlignedRealloc", "Free", "AlignedFree");

    private readonly HashSet<string> _names;
    private readonly int _minLength;
    private readonly int _maxLength;

    private CalledNames(params string[] names)
    {
        _names = new HashSet<string>(names, System.StringComparer.Ordinal);
        _minLength = int.MaxValue;
        foreach (var name in names)
        {
            _minLength = System.Math.Min(_minLength, name.Length);
            _maxLength = System.Math.Max(_maxLength, name.Length);
        }
    }

    /// <summary>The names in the set.</summary>
    public IEnumerable<string> Names => _names;

    /// <summary>Whether <paramref name="name"/> is in the set.</summary>
    public bool Contains(string name) =>
        name.Length >= _minLength && name.Length <= _maxLength && _names.Contains(name);

    /// <summary>Whether one of the names occurs as an identifier in <paramref name="node"/> (null: no).</summary>
    public bool OccurIn(SyntaxNode? node)
    {
        if (node is null)
            return false;

        foreach (var token in node.DescendantTokens())
        {
            // ValueText: @Free is the identifier Free.
            if (token.IsKind(SyntaxKind.IdentifierToken) && Contains(token.ValueText))
                return true;
        }

        return false;
    }
}
