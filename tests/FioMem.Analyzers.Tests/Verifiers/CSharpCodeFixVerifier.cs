// Runs an analyzer and its code fix over test source with offline references (unsafe code allowed).
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace FioMem.Analyzers.Tests.Verifiers;

internal static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    /// <summary>Verifies that the fix turns <paramref name="source"/> into <paramref name="fixedSource"/>.</summary>
    public static async Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.None;

            // FIO003 reports at compilation end (its groups span the compilation): the IDE offers its fix once the
            // diagnostics are computed, not on demand for a span.
            if (typeof(TAnalyzer) == typeof(FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer))
                CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            TestState.AdditionalReferences.AddRange(TestReferences.WithFioMem);
            FixedState.AdditionalReferences.AddRange(TestReferences.WithFioMem);
            SolutionTransforms.Add((solution, projectId) =>
            {
                var project = solution.GetProject(projectId)!;
                var options = ((CSharpCompilationOptions)project.CompilationOptions!).WithAllowUnsafe(true);
                var parse = ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest);
                return solution.WithProjectCompilationOptions(projectId, options).WithProjectParseOptions(projectId, parse);
            });
        }
    }
}
