// Rewrites NativeMemory calls of one document to FioMemory, keeping trivia, adding the import FioMemory needs and
// removing the NativeMemory imports nothing uses any more.
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
/// Replaces the callee of each call with <c>FioMemory.X</c> (the arguments stay: FioMemory mirrors NativeMemory's
/// signatures). In a project that references FioMem for every target, the callee is <c>global::FioMem.FioMemory.X</c>
/// annotated for simplification, and Roslyn adds <c>using FioMem;</c> and reduces the name. In a multi-targeting project
/// (<paramref name="conditional"/> set) the file gets an alias under <c>#if</c> instead, so that every target compiles:
/// <c>FioMemory</c> is FioMem's where the symbol is defined and NativeMemory elsewhere.
/// </summary>
internal static class MigrationRewriter
{
    private const string NativeMemoryName = "System.Runtime.InteropServices.NativeMemory";

    public static async Task<Document> RewriteAsync(Document document, IReadOnlyCollection<CallRewrite> calls, string? conditional,
        CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || calls.Count == 0)
            return document;

        bool hadDirectives = root.ContainsDirectives;
        var bySpan = new Dictionary<TextSpan, CallRewrite>();
        foreach (var call in calls)
            bySpan[call.Span] = call;

        // The rewriter visits children first, so Free(Alloc(n)) has both calls rewritten.
        var newRoot = new CallRewriter(bySpan, conditional is not null).Visit(root);
        if (newRoot == root)
            return document;

        var updated = document.WithSyntaxRoot(newRoot);
        if (conditional is null)
        {
            updated = await ImportAdder.AddImportsAsync(updated, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            updated = await Simplifier.ReduceAsync(updated, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            updated = await AddConditionalAliasAsync(updated, conditional, cancellationToken).ConfigureAwait(false);
        }

        // Code under #if may use an import the active target does not: then no import is removed.
        if (!hadDirectives)
            updated = await RemoveUnusedNativeMemoryImportsAsync(updated, cancellationToken).ConfigureAwait(false);
        updated = await Formatter.FormatAsync(updated, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await TrimLeadingBlankLinesAsync(document, updated, cancellationToken).ConfigureAwait(false);
    }

    // A removed first using leaves the blank line that followed it at the top of the file.
    private static async Task<Document> TrimLeadingBlankLinesAsync(Document original, Document updated, CancellationToken cancellationToken)
    {
        var before = await original.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var after = await updated.GetTextAsync(cancellationToken).ConfigureAwait(false);
        if (before.Length == 0 || before[0] is '\r' or '\n')
            return updated;

        int end = 0;
        while (end < after.Length && after[end] is '\r' or '\n')
            end++;
        return end == 0 ? updated : updated.WithText(after.WithChanges(new TextChange(new TextSpan(0, end), string.Empty)));
    }

    private static InvocationExpressionSyntax Rewrite(InvocationExpressionSyntax invocation, CallRewrite call, bool conditional)
    {
        var callee = conditional
            ? SyntaxFactory.ParseExpression("FioMemory." + call.FioMethod).WithTriviaFrom(invocation.Expression)
            : SyntaxFactory.ParseExpression("global::FioMem.FioMemory." + call.FioMethod)
                .WithTriviaFrom(invocation.Expression)
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        return invocation.WithExpression(callee);
    }

    // #if FIOMEM / using FioMemory = FioMem.FioMemory; / #else / using FioMemory = ...NativeMemory; / #endif, after the
    // file's usings (once per file).
    private static async Task<Document> AddConditionalAliasAsync(Document document, string symbol, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || root.Usings.Any(u => u.Alias?.Name.Identifier.ValueText == "FioMemory"))
            return document;

        string newLine = text.ToString().Contains("\r\n") ? "\r\n" : "\n";
        string block = "#if " + symbol + newLine
            + "using FioMemory = FioMem.FioMemory;" + newLine
            + "#else" + newLine
            + "using FioMemory = " + NativeMemoryName + ";" + newLine
            + "#endif" + newLine;

        int position;
        if (root.Usings.Count > 0)
        {
            position = root.Usings.Last().FullSpan.End;
        }
        else
        {
            position = root.Members.Count > 0 ? root.Members[0].SpanStart : root.EndOfFileToken.SpanStart;
            block += newLine;
        }

        return document.WithText(text.WithChanges(new TextChange(new TextSpan(position, 0), block)));
    }

    // using System.Runtime.InteropServices; using static ...NativeMemory; using NM = ...NativeMemory: removed when the
    // file compiles as well without them.
    private static async Task<Document> RemoveUnusedNativeMemoryImportsAsync(Document document, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
            return document;

        foreach (var directive in root.Usings.Where(IsNativeMemoryImport).Select(u => u.ToString()).ToList())
        {
            var current = (CompilationUnitSyntax)(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            var target = current.Usings.FirstOrDefault(u => u.ToString() == directive);
            if (target is null)
                continue;

            int errorsBefore = await ErrorCountAsync(document, cancellationToken).ConfigureAwait(false);
            var without = current.RemoveNode(target, SyntaxRemoveOptions.KeepLeadingTrivia | SyntaxRemoveOptions.KeepUnbalancedDirectives);
            if (without is null)
                continue;

            var candidate = document.WithSyntaxRoot(without);
            if (await ErrorCountAsync(candidate, cancellationToken).ConfigureAwait(false) <= errorsBefore)
                document = candidate;
        }

        return document;
    }

    private static bool IsNativeMemoryImport(UsingDirectiveSyntax directive)
    {
        if (directive.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
            return false;
        string name = directive.Name?.ToString().Replace("global::", string.Empty) ?? string.Empty;
        return name == "System.Runtime.InteropServices" && directive.StaticKeyword.IsKind(SyntaxKind.None) && directive.Alias is null
            || name == NativeMemoryName && directive.Alias?.Name.Identifier.ValueText != "FioMemory";
    }

    private static async Task<int> ErrorCountAsync(Document document, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model is null ? 0 : model.GetDiagnostics(cancellationToken: cancellationToken).Count(d => d.Severity == DiagnosticSeverity.Error);
    }

    private sealed class CallRewriter : CSharpSyntaxRewriter
    {
        private readonly Dictionary<TextSpan, CallRewrite> _calls;
        private readonly bool _conditional;

        public CallRewriter(Dictionary<TextSpan, CallRewrite> calls, bool conditional)
        {
            _calls = calls;
            _conditional = conditional;
        }

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = base.VisitInvocationExpression(node);
            return visited is InvocationExpressionSyntax invocation && _calls.TryGetValue(node.Span, out var call)
                ? Rewrite(invocation, call, _conditional)
                : visited;
        }
    }
}
