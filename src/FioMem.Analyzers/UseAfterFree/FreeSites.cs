// The FioMem frees in one member, and FIO006's cheap syntactic pre-check against them.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using FioMem.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FioMem.Analyzers.UseAfterFree;

/// <summary>
/// Collected in one pass over a member's operations, before the member is analysed. Building a control flow graph is
/// the costly part of FIO006, so <see cref="MayBeFreedAt"/> first rules out, from syntax alone, the uses no path can
/// reach freed: uses before the free, uses in the other branch of an <c>if</c>, <c>?:</c> or <c>switch</c>, and uses
/// after a block that frees and then returns or throws.
/// </summary>
internal sealed class FreeSites
{
    private readonly List<(ISymbol Variable, SyntaxNode Free)> _frees = new();

    /// <summary>Whether the member frees no variable.</summary>
    public bool IsEmpty => _frees.Count == 0;

    /// <summary>Records a free of <paramref name="variable"/> by the call <paramref name="free"/>.</summary>
    public void Add(ISymbol variable, SyntaxNode free) => _frees.Add((variable, free));

    /// <summary>Whether some free of <paramref name="variable"/> could precede <paramref name="use"/> on a path.</summary>
    /// <remarks>A use that precedes every free in source order is only reached freed through a backward
    /// <c>goto</c>; the pre-check gives that up.</remarks>
    [MethodImpl(Hot.Optimized)]
    public bool MayBeFreedAt(ISymbol variable, SyntaxNode use)
    {
        foreach (var (freed, free) in _frees)
        {
            if (use.SpanStart >= free.Span.End
                && SymbolEqualityComparer.Default.Equals(freed, variable)
                && !IsSeparated(free, use))
                return true;
        }

        return false;
    }

    /// <summary>Whether no path leads from <paramref name="free"/> to the later <paramref name="use"/>, judged by the
    /// statements between them and their nearest common ancestor.</summary>
    [MethodImpl(Hot.Optimized)]
    private static bool IsSeparated(SyntaxNode free, SyntaxNode use)
    {
        var child = free;
        for (var parent = free.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent.Span.Contains(use.Span))
            {
                return parent switch
                {
                    IfStatementSyntax ifStatement => child == ifStatement.Statement && ifStatement.Else is { } otherBranch
                        && otherBranch.Span.Contains(use.Span),
                    ConditionalExpressionSyntax conditional => child == conditional.WhenTrue
                        && conditional.WhenFalse.Span.Contains(use.Span),
                    SwitchStatementSyntax => child is SwitchSectionSyntax section && !section.Span.Contains(use.Span),
                    SwitchExpressionSyntax => child is SwitchExpressionArmSyntax arm && !arm.Span.Contains(use.Span),
                    _ => false,
                };
            }

            // The free's block ends in return or throw before control could reach the use.
            if (parent is BlockSyntax block && EndsAfter(block, child))
                return true;
        }

        return false;
    }

    /// <summary>Whether a statement of <paramref name="block"/> after <paramref name="child"/> leaves the member.</summary>
    [MethodImpl(Hot.Optimized)]
    private static bool EndsAfter(BlockSyntax block, SyntaxNode child)
    {
        bool after = false;
        foreach (var statement in block.Statements)
        {
            if (after && statement.Kind() is SyntaxKind.ReturnStatement or SyntaxKind.ThrowStatement or SyntaxKind.YieldBreakStatement)
                return true;
            if (statement == child)
                after = true;
        }

        return false;
    }
}
