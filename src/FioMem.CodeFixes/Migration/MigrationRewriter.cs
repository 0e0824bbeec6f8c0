// Rewrites NativeMemory calls of one document to FioMemory, keeping trivia, adding the import FioMemory needs and
// removing the NativeMemory imports nothing uses any more.
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Migration;
using FioMem.CodeFixes.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace FioMem.CodeFixes.Migration;

/// <summary>
/// Replaces the callee of each call with <c>FioMemory.X</c> (the arguments stay: FioMemory mirrors NativeMemory's
/// signatures). In a project that references FioMem for every target, the callee is FioMem's type written in full
/// (<see cref="SyntaxGenerator.TypeExpression(ITypeSymbol)"/>), and the clean-up adds <c>using FioMem;</c> and reduces the name. In a multi-targeting project
/// (<paramref name="conditional"/> set) the file gets an alias under <c>#if</c> instead, so that every target compiles:
/// <c>FioMemory</c> is FioMem's where the symbol is defined and NativeMemory on the other targets that have it
/// (.NET 6 and later, or every target when the project declares a <c>NativeMemory</c> of its own for older ones); a
/// target without either gets no alias, as its code could not have called NativeMemory either. A call rewritten to
/// <c>AllocLongLived</c> carries a <see cref="Microsoft.CodeAnalysis.CodeActions.WarningAnnotation"/>: its memory never
/// goes back to a block.
/// </summary>
internal static class MigrationRewriter
{
    private const string NativeMemoryName = "System.Runtime.InteropServices.NativeMemory";
    private const string FioMemoryName = "FioMem.FioMemory";

    // Defined by the SDK for every target that has System.Runtime.InteropServices.NativeMemory.
    private const string NativeMemoryTargetsSymbol = "NET6_0_OR_GREATER";

    private static readonly Regex s_nativeMemoryDeclaration =
        new(@"\b(class|struct)\s+NativeMemory\b(?!\s*<)", RegexOptions.CultureInvariant); // not a generic NativeMemory<T> of its own

    public static async Task<Document> RewriteAsync(Document document, IReadOnlyCollection<CallRewrite> calls, string? conditional,
        CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        bool hadDirectives = root.ContainsDirectives;

        // Only the callee changes, so nested calls (Free(Alloc(n))) are separate edits.
        var fioMemory = conditional is null ? editor.SemanticModel.Compilation.GetTypeByMetadataName(FioMemoryName) : null;
        if (conditional is null && fioMemory is null)
            return document;
        bool changed = false;
        foreach (var call in calls)
        {
            if (root.FindNode(call.Span, getInnermostNodeForTie: true) is not { } node)
                continue;
            if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>(i => i.Span == call.Span) is not { } invocation)
            {
                // A release used as a method group (&NativeMemory.Free, a delegate of it): the reference itself changes.
                if (node.FirstAncestorOrSelf<ExpressionSyntax>(e => e.Span == call.Span) is { } reference
                    && reference is MemberAccessExpressionSyntax or IdentifierNameSyntax)
                {
                    editor.ReplaceNode(reference, Callee(editor.Generator, fioMemory, reference, call));
                    changed = true;
                }

                continue;
            }

            editor.ReplaceNode(invocation.Expression, Callee(editor.Generator, fioMemory, invocation.Expression, call));
            if (call.FioMethod == MigrationProperties.LongLivedMethod)
                editor.ReplaceNode(invocation, (current, _) => current.WithAdditionalAnnotations(BehaviourWarnings.LongLived()));
            changed = true;
        }

        if (!changed)
            return document;

        var updated = editor.GetChangedDocument();
        if (conditional is not null)
            updated = await AddConditionalAliasAsync(updated, conditional, document.Project, cancellationToken).ConfigureAwait(false);

        // Code under #if may use an import the active target does not: then no import is removed.
        if (!hadDirectives && await updated.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is CompilationUnitSyntax unit)
            updated = updated.WithSyntaxRoot(FixCleanup.MarkRemoveIfUnused(unit, unit.Usings.Where(IsNativeMemoryImport)));
        return await FixCleanup.CleanUpAsync(updated, cancellationToken).ConfigureAwait(false);
    }

    // FioMemory.X under the conditional alias; otherwise FioMem's type in full, which the clean-up reduces and imports.
    private static SyntaxNode Callee(SyntaxGenerator generator, INamedTypeSymbol? fioMemory, ExpressionSyntax written, CallRewrite call) =>
        (fioMemory is null
            ? generator.MemberAccessExpression(generator.IdentifierName("FioMemory"), call.FioMethod)
            : generator.MemberAccessExpression(generator.TypeExpression(fioMemory).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation), call.FioMethod))
        .WithTriviaFrom(written);

    // #if FIOMEM / using FioMemory = FioMem.FioMemory; / #elif NET6_0_OR_GREATER / using FioMemory = ...NativeMemory;
    // / #endif, after the file's usings (once per file). An alias of a type a target lacks does not compile even unused,
    // and .NET Standard and .NET Framework have no NativeMemory: their code (often the same file under #if) must not
    // see it. A project that declares a NativeMemory for them (a polyfill) gets #else instead.
    private static async Task<Document> AddConditionalAliasAsync(Document document, string symbol, Project original, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax?)await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || root.Usings.Any(u => u.Alias?.Name.Identifier.ValueText == "FioMemory"))
            return document;

        string otherTargets = await DeclaresNativeMemoryAsync(original).ConfigureAwait(false)
            ? "#else"
            : "#elif " + NativeMemoryTargetsSymbol;
        string newLine = text.ToString().Contains("\r\n") ? "\r\n" : "\n";
        string block = "#if " + symbol + newLine
            + "using FioMemory = FioMem.FioMemory;" + newLine
            + otherTargets + newLine
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

    // Whether the project's source declares a type named NativeMemory anywhere, inactive #if regions included (the
    // targets that need a polyfill are not the one being analysed). Scanned once per project snapshot: Fix All rewrites
    // every document against the same original project.
    private static readonly ConditionalWeakTable<Project, Task<bool>> s_declaresNativeMemory = new();

    // (A short text scan, not cancelled: the result is shared by every document of the fix.)
    private static Task<bool> DeclaresNativeMemoryAsync(Project project) =>
        s_declaresNativeMemory.GetValue(project, static p => ScanForNativeMemoryAsync(p, CancellationToken.None));

    private static async Task<bool> ScanForNativeMemoryAsync(Project project, CancellationToken cancellationToken)
    {
        foreach (var document in project.Documents)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            if (s_nativeMemoryDeclaration.IsMatch(text.ToString()))
                return true;
        }

        return false;
    }

    // using System.Runtime.InteropServices; using static ...NativeMemory; using NM = ...NativeMemory: the clean-up
    // removes them when the file compiles as well without them.
    private static bool IsNativeMemoryImport(UsingDirectiveSyntax directive)
    {
        if (directive.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
            return false;
        string name = directive.Name?.ToString().Replace("global::", string.Empty) ?? string.Empty;
        return name == "System.Runtime.InteropServices" && directive.StaticKeyword.IsKind(SyntaxKind.None) && directive.Alias is null
            || name == NativeMemoryName && directive.Alias?.Name.Identifier.ValueText != "FioMemory";
    }
}
