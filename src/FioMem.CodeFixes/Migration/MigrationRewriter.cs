// Rewrites NativeMemory calls of one document to FioMemory, keeping trivia and adding `using FioMem;` only when needed.
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace FioMem.CodeFixes.Migration;

/// <summary>
/// Replaces the callee of each call with <c>global::FioMem.FioMemory.X</c> annotated for simplification, then lets
/// Roslyn add the import and reduce the name: the result is <c>FioMemory.X</c> with <c>using FioMem;</c> when no
/// using covers it yet, or a qualified name where <c>FioMemory</c> would be ambiguous.
/// </summary>
internal static class MigrationRewriter
{
    public static async Task<Document> RewriteAsync(Document document, IReadOnlyCollection<CallRewrite> calls, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || calls.Count == 0)
            return document;

        var bySpan = new Dictionary<TextSpan, CallRewrite>();
        foreach (var call in calls)
            bySpan[call.Span] = call;

        // The rewriter visits children first, so Free(Alloc(n)) has both calls rewritten.
        var newRoot = new CallRewriter(bySpan).Visit(root);
        if (newRoot == root)
            return document;

        var updated = document.WithSyntaxRoot(newRoot);
        updated = await ImportAdder.AddImportsAsync(updated, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        updated = await Simplifier.ReduceAsync(updated, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(updated, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static InvocationExpressionSyntax Rewrite(InvocationExpressionSyntax invocation, CallRewrite call)
    {
        var callee = SyntaxFactory.ParseExpression("global::FioMem.FioMemory." + call.FioMethod)
            .WithTriviaFrom(invocation.Expression)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        var arguments = invocation.ArgumentList;
        if (call.DropAlignment && arguments.Arguments.Count == 2)
        {
            // Keep the byte count, named or positional; the alignment FioMem always provides goes.
            var byteCount = arguments.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "byteCount")
                ?? arguments.Arguments[0];
            arguments = arguments.WithArguments(SyntaxFactory.SingletonSeparatedList(byteCount.WithoutTrailingTrivia()));
        }

        return invocation.WithExpression(callee).WithArgumentList(arguments);
    }

    private sealed class CallRewriter : CSharpSyntaxRewriter
    {
        private readonly Dictionary<TextSpan, CallRewrite> _calls;

        public CallRewriter(Dictionary<TextSpan, CallRewrite> calls) => _calls = calls;

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = base.VisitInvocationExpression(node);
            return visited is InvocationExpressionSyntax invocation && _calls.TryGetValue(node.Span, out var call)
                ? Rewrite(invocation, call)
                : visited;
        }
    }
}
