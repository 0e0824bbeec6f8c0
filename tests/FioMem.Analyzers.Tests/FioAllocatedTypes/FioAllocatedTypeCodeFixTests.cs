// Fixes for [FioAllocated] types: FIO004 "Make the type partial", and CS0315 on FioAlloc<T> "Mark the struct [FioAllocated] and partial".
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using VerifyPartial = FioMem.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    FioMem.Analyzers.FioAllocatedTypes.FioAllocatedTypeAnalyzer,
    FioMem.CodeFixes.FioAllocatedTypes.MakePartialCodeFix>;
using VerifyMark = FioMem.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    FioMem.Analyzers.Tests.FioAllocatedTypes.FioAllocatedTypeCodeFixTests.NoAnalyzer,
    FioMem.CodeFixes.FioAllocatedTypes.MarkFioAllocatedCodeFix>;

namespace FioMem.Analyzers.Tests.FioAllocatedTypes;

public class FioAllocatedTypeCodeFixTests
{
    [Fact]
    public Task Partial_is_added_to_the_struct_keeping_modifiers_and_comments() =>
        VerifyPartial.VerifyCodeFixAsync("""
            using FioMem;

            /// <summary>A point.</summary>
            [FioAllocated]
            public readonly struct {|FIO004:Point|} // coordinates
            {
                public readonly int X, Y;
            }

            [FioAllocated]
            struct {|FIO004:Bare|} { public int X; }
            """, """
            using FioMem;

            /// <summary>A point.</summary>
            [FioAllocated]
            public readonly partial struct Point // coordinates
            {
                public readonly int X, Y;
            }

            [FioAllocated]
            partial struct Bare { public int X; }
            """);

    [Fact]
    public Task Partial_is_added_to_every_non_partial_containing_type() =>
        VerifyPartial.VerifyCodeFixAsync("""
            using FioMem;

            static class Outer
            {
                partial class Middle
                {
                    internal sealed class Inner
                    {
                        [FioAllocated]
                        internal partial struct {|FIO004:Node|} { public int V; }
                    }
                }
            }
            """, """
            using FioMem;

            static partial class Outer
            {
                partial class Middle
                {
                    internal sealed partial class Inner
                    {
                        [FioAllocated]
                        internal partial struct Node { public int V; }
                    }
                }
            }
            """);

    [Fact]
    public Task Partial_goes_last_and_the_written_modifier_order_stays() =>
        VerifyPartial.VerifyCodeFixAsync("""
            using FioMem;

            unsafe public class Outer
            {
                [FioAllocated]
                readonly internal struct {|FIO004:Point|} { public readonly int X; }
            }
            """, """
            using FioMem;

            unsafe public partial class Outer
            {
                [FioAllocated]
                readonly internal partial struct Point { public readonly int X; }
            }
            """);

    [Fact]
    public Task Fix_All_makes_every_struct_partial() =>
        VerifyPartial.VerifyCodeFixAsync("""
            using FioMem;
            [FioAllocated] struct {|FIO004:A|} { public int X; }
            [FioAllocated] struct {|FIO004:B|} { public int X; }
            """, """
            using FioMem;
            [FioAllocated] partial struct A { public int X; }
            [FioAllocated] partial struct B { public int X; }
            """);

    [Fact]
    public Task No_partial_fix_when_something_else_is_wrong_too()
    {
        var source = """
            using FioMem;
            [FioAllocated] struct {|FIO004:Managed|} { public string S; }
            [FioAllocated] struct {|FIO004:Generic|}<T> where T : unmanaged { public T V; }
            class Host<T> { [FioAllocated] partial struct {|FIO004:Nested|} { public int V; } }
            """;
        return VerifyPartial.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task CS0315_marks_the_struct_FioAllocated_and_partial() =>
        VerifyMarkAsync("""
            namespace App;

            /// <summary>A node.</summary>
            struct Node { public int Value; }

            static unsafe class Use
            {
                static void M()
                {
                    Node* n = FioMem.FioAlloc<{|CS0315:Node|}>.New();
                }
            }
            """, """
            using FioMem;

            namespace App;

            /// <summary>A node.</summary>
            [FioAllocated]
            partial struct Node { public int Value; }

            static unsafe class Use
            {
                static void M()
                {
                    Node* n = FioMem.FioAlloc<{|CS0315:Node|}>.New();
                }
            }
            """);

    [Fact]
    public Task CS0315_fix_keeps_existing_attributes_and_fixes_containing_types() =>
        VerifyMarkAsync("""
            using System;
            using FioMem;

            static class Outer
            {
                [Serializable]
                internal struct Item { public long Id; }
            }

            static unsafe class Use
            {
                static void M() => FioAlloc<{|CS0315:Outer.Item|}>.Free(null);
            }
            """, """
            using System;
            using FioMem;

            static partial class Outer
            {
                [FioAllocated]
                [Serializable]
                internal partial struct Item { public long Id; }
            }

            static unsafe class Use
            {
                static void M() => FioAlloc<{|CS0315:Outer.Item|}>.Free(null);
            }
            """);

    [Fact]
    public Task CS0315_fix_is_not_offered_for_metadata_or_already_marked_structs()
    {
        var source = """
            using System;
            using FioMem;

            [FioAllocated]
            partial struct Marked { public int X; }

            static unsafe class Use
            {
                static void M()
                {
                    var a = FioAlloc<{|CS0315:Guid|}>.New();
                    var b = FioAlloc<{|CS0315:Marked|}>.New();
                }
            }
            """;
        return VerifyMark.VerifyCodeFixAsync(source, source);
    }

    // Without the generator the marked struct still lacks IFioAllocated<T>, so CS0315 stays in the fixed code; the
    // fixed state must read that markup instead of ignoring it as "fixable".
    private static Task VerifyMarkAsync(string source, string fixedSource)
    {
        var test = new VerifyMark.Test { TestCode = source, FixedCode = fixedSource };
        test.FixedState.MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow;
        return test.RunAsync();
    }

    /// <summary>CS0315 comes from the compiler; the code-fix test needs an analyzer type, this one reports nothing.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NoAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor>.Empty;

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
        }
    }
}
