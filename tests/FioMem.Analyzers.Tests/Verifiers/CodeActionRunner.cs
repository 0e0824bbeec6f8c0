// Runs an analyzer and a code fix in a workspace and hands back what the test framework does not show: the code actions
// themselves (their titles) and the warning annotations in the documents they produce.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.Verifiers;

internal static class CodeActionRunner
{
    /// <summary>One code action the fix offered, with the diagnostic it fixes and the document it was offered in.</summary>
    public sealed record Offered(Diagnostic Diagnostic, CodeAction Action, Document Document);

    /// <summary>A warning annotation in a fixed document: the annotated code and the warning's text.</summary>
    public sealed record Warning(string Code, string Text);

    /// <summary>Every action <paramref name="fix"/> offers for the diagnostics <paramref name="analyzer"/> reports on <paramref name="source"/>, in source order.</summary>
    public static async Task<List<Offered>> OfferedAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var project = ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestReferences.WithFioMem);
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution.AddProject(project).AddDocument(documentId, "Test0.cs", source);
        var document = solution.GetDocument(documentId)!;

        var compilation = (await document.Project.GetCompilationAsync())!;
        Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        var diagnostics = await compilation.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync();

        var offered = new List<Offered>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (!fix.FixableDiagnosticIds.Contains(diagnostic.Id))
                continue;
            var context = new CodeFixContext(document, diagnostic, (action, _) => offered.Add(new Offered(diagnostic, action, document)), CancellationToken.None);
            await fix.RegisterCodeFixesAsync(context);
        }

        return offered;
    }

    /// <summary>The warning annotations in the document <paramref name="offered"/>'s action produces, in source order.</summary>
    public static async Task<List<Warning>> WarningsAsync(Offered offered)
    {
        var operations = await offered.Action.GetOperationsAsync(CancellationToken.None);
        var changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        var root = (await changed.GetDocument(offered.Document.Id)!.GetSyntaxRootAsync())!;
        return root.GetAnnotatedNodesAndTokens(WarningAnnotation.Kind)
            .OrderBy(n => n.SpanStart)
            .SelectMany(n => n.GetAnnotations(WarningAnnotation.Kind).Select(a => new Warning(n.ToString(), WarningAnnotation.GetDescription(a)!)))
            .ToList();
    }
}
