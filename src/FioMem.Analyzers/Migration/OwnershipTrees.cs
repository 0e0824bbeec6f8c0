// Feeds a whole syntax tree's members to FIO003's ownership walk, outside an analyzer host.
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace FioMem.Analyzers.Migration;

/// <summary>Walks the members of one syntax tree (for <c>MigrationExplainer</c> and the build-time interception).</summary>
internal static class OwnershipTrees
{
    /// <summary>Records the facts of every member (method, accessor, initializer...) declared in the tree of <paramref name="model"/>.</summary>
    public static void AnalyzeTree(OwnershipWalker walker, SemanticModel model, bool isGeneratedCode, CancellationToken cancellationToken)
    {
        foreach (var node in model.SyntaxTree.GetRoot(cancellationToken).DescendantNodes())
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The member a root belongs to: the declaration itself (a method), or the one holding it (a field's
            // initializer, an expression body).
            if (model.GetOperation(node, cancellationToken) is { Parent: null } root
                && (model.GetDeclaredSymbol(node, cancellationToken) ?? (node.Parent is { } parent ? model.GetDeclaredSymbol(parent, cancellationToken) : null)
                    ?? model.GetEnclosingSymbol(node.Span.End, cancellationToken)) is { } owner)
            {
                walker.AnalyzeMember(owner, ImmutableArray.Create(root), isGeneratedCode);
            }
        }
    }
}
