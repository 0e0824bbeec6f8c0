// Every FioMem analyzer and code fix survives broken and half-typed code: no AD0001, no exception from a fix.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace FioMem.Analyzers.Tests.Robustness;

public class AnalyzerRobustnessTests
{
    /// <summary>Every analyzer in FioMem.Analyzers, found by reflection so that new analyzers are covered too.</summary>
    private static readonly ImmutableArray<DiagnosticAnalyzer> s_analyzers =
        typeof(FioMem.Analyzers.Diagnostics.DiagnosticIds).Assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                && type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();

    /// <summary>Every code fix in FioMem.CodeFixes, found the same way.</summary>
    private static readonly ImmutableArray<CodeFixProvider> s_codeFixes =
        typeof(FioMem.CodeFixes.StaticStorage.UseAllocLongLivedCodeFix).Assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type)
                && type.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!)
            .ToImmutableArray();

    public static TheoryData<string> SourceNames => new(BrokenCode.Sources.Keys);

    [Fact]
    public void Reflection_finds_the_analyzers_and_code_fixes()
    {
        // The FIO001, FIO006 and FIO007 analyzers at least; more join as they are written.
        var ids = s_analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.Superset(new HashSet<string> { "FIO001", "FIO006", "FIO007" }, ids);
        Assert.NotEmpty(s_codeFixes);
    }

    [Fact]
    public async Task The_runner_reports_an_analyzer_that_throws()
    {
        // Guards the guard: if exceptions were swallowed, the tests below would pass for nothing.
        var result = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile("class C { void M() { } }"), [new ThrowingAnalyzer()]);
        Assert.Contains(result.Exceptions, e => e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Analyzers_still_report_in_code_with_missing_semicolons()
    {
        // Recovery matters in the IDE: the warnings must not vanish while a statement is being typed.
        var result = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile(BrokenCode.Sources["missing semicolons"]), s_analyzers);
        var ids = result.Diagnostics.Select(d => d.Id).ToHashSet();
        Assert.Superset(new HashSet<string> { "FIO001", "FIO006", "FIO007" }, ids);
    }

    [Theory]
    [MemberData(nameof(SourceNames))]
    public async Task No_analyzer_throws_on_broken_code(string name)
    {
        foreach (bool referenceFioMem in new[] { true, false })
        {
            var compilation = AnalyzerRunner.Compile(BrokenCode.Sources[name], referenceFioMem);
            Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

            var result = await AnalyzerRunner.RunAsync(compilation, s_analyzers);

            Assert.True(result.Exceptions.Count == 0,
                string.Join("\n\n", result.Exceptions.Select(e => $"{e.Analyzer.GetType().Name}: {e.Exception}")));
            Assert.DoesNotContain(result.Diagnostics, d => d.Id == "AD0001");
        }
    }

    [Theory]
    [MemberData(nameof(SourceNames))]
    public async Task No_code_fix_throws_on_broken_code(string name)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.CurrentSolution
            .AddProject("Broken", "Broken", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true))
            .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
            .WithMetadataReferences(TestReferences.WithFioMem);
        var document = project.AddDocument("Test0.cs", SourceText.From(BrokenCode.Sources[name]));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var result = await AnalyzerRunner.RunAsync(compilation, s_analyzers);
        Assert.Empty(result.Exceptions);

        foreach (var diagnostic in result.Diagnostics.Where(d => d.Location.IsInSource))
        {
            foreach (var fix in s_codeFixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
                await fix.RegisterCodeFixesAsync(context);
                foreach (var action in actions)
                    Assert.NotEmpty(await action.GetOperationsAsync(CancellationToken.None));
            }
        }
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [FioMem.Analyzers.Diagnostics.DiagnosticDescriptors.StaticStorage];

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(_ => throw new InvalidOperationException("analyzer bug"), OperationKind.MethodBody);
        }
    }
}
