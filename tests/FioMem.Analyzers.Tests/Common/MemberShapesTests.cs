// Every kind of member the analyzers look into, with using static, aliases and escaped names: the syntax pre-filter
// (CalledNames, MemberOperations) must let each of them through to the IOperation analysis.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading.Tasks;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.Common;

public class MemberShapesTests
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> s_analyzers =
    [
        new FioMem.Analyzers.StaticStorage.StaticStorageAnalyzer(),
        new FioMem.Analyzers.MismatchedRelease.MismatchedReleaseAnalyzer(),
        new FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer(),
        new FioMem.Analyzers.UseAfterFree.UseAfterFreeAnalyzer(),
        new FioMem.Analyzers.ReallocInLoop.ReallocInLoopAnalyzer(),
    ];

    [Fact]
    public Task Every_member_kind_is_analysed() => AssertExpectedDiagnostics(OutputKind.DynamicallyLinkedLibrary, """
        using System;
        using System.Runtime.InteropServices;
        using FioMem;
        using static FioMem.FioMemory;
        using Fio = FioMem.FioMemory;

        [FioAllocated]
        unsafe partial struct Node : IFioAllocated<Node>
        {
            public long Value;
            static string IFioAllocated<Node>.FioTypeName => "Node";
        }

        unsafe class Base { public Base(void* p) { } public Base() { } }

        unsafe class Shapes : Base
        {
            static void* s_p;
            static void* s_a = null, s_b = FioMemory.Alloc(8); // expect: FIO001
            static Shapes() { s_p = FioMemory.Alloc(8); } // expect: FIO001
            Shapes() : base(NativeMemory.Realloc(FioMemory.Alloc(8), 16)) { } // expect: FIO002 FIO003
            Shapes(int n) : this() { s_p = n > 0 ? Alloc(8) : null; } // expect: FIO001
            ~Shapes() { void* p = Fio.Alloc(8); Fio.Free(p); Fio.Free(p); } // expect: FIO006
            public static Shapes operator +(Shapes a, Shapes b) { NativeMemory.Free(FioMemory.Alloc(8)); return a; } // expect: FIO002 FIO003
            public static explicit operator int(Shapes s) { void* p = null, q; for (int i = 0; i < 3; i++) { p = FioMemory.Realloc(p, 8); q = FioMemory.Alloc(8); } return 0; } // expect: FIO007
            int Getter { get { s_p = FioMemory.Alloc(8); return 0; } } // expect: FIO001
            int Setter { set { void* p = FioMemory.Alloc(8); FioMemory.Free(p); FioMemory.Free(p); } } // expect: FIO006
            void* Arrow => NativeMemory.Realloc(FioMemory.Alloc(8), 16); // expect: FIO002 FIO003
            void* this[int i] => NativeMemory.Realloc(FioMemory.Alloc(8), 16); // expect: FIO002 FIO003
            event Action Event { add { s_p = FioMemory.Alloc(8); } remove { } } // expect: FIO001
            static nint Initialized { get; } = (nint)FioAlloc<Node>.New(); // expect: FIO001
            void Method() => s_p = FioMemory.Alloc(8); // expect: FIO001
            void Local()
            {
                Run();
                void Run() { void* p = FioMemory.Alloc(8); FioMemory.Free(p); FioMemory.Free(p); } // expect: FIO006
            }
            void Lambda()
            {
                Action a = () => NativeMemory.Free(FioMemory.Alloc(8)); // expect: FIO002 FIO003
            }
            static void* Escaped(int n) { void* p = null, q; for (int i = 0; i < n; i++) { p = @Realloc(p, 8); q = @Alloc(8); } return p; } // expect: FIO007
        }

        unsafe class Primary() : Base(NativeMemory.Realloc(FioMemory.Alloc(8), 16)) { } // expect: FIO002 FIO003

        unsafe class Migrates : IDisposable
        {
            private byte* _data = (byte*)NativeMemory.Alloc(8); // expect: FIO003
            public void Dispose() => NativeMemory.Free(_data); // expect: FIO003
        }

        unsafe class ReadThroughAMemberThatNamesNoNativeMemoryMethod
        {
            private static byte* s_data = (byte*)NativeMemory.Alloc(8); // expect: FIO003
            public static void Release() => NativeMemory.Free(s_data); // expect: FIO003
            public static byte* Peek() => s_data;
        }

        unsafe class FieldInitializedFromAMethodReturningNull
        {
            private static byte* s_data = Other();
            static byte* Other() => null;
            public static void Make() => s_data = (byte*)NativeMemory.Alloc(8); // expect: FIO003
            public static void Release() => NativeMemory.Free(s_data); // expect: FIO003
        }

        public unsafe class EscapesThroughAPublicMemberThatNamesNoNativeMemoryMethod
        {
            private static byte* s_data = (byte*)NativeMemory.Alloc(8);
            public static void Release() => NativeMemory.Free(s_data); // expect: FIO003
            public static byte* Peek() => s_data;
        }
        """);

    [Fact]
    public Task Top_level_statements_are_analysed() => AssertExpectedDiagnostics(OutputKind.ConsoleApplication, """
        using System;
        using FioMem;

        Console.WriteLine();
        unsafe
        {
            void* p = FioMemory.Alloc(8);
            FioMemory.Free(p);
            FioMemory.Free(p); // expect: FIO006
            Holder.S = (nint)p; // expect: FIO001
            void* q = Make();
            FioMemory.Free(q);
            FioMemory.Free(q); // expect: FIO006
        }

        static unsafe void* Make()
        {
            void* q = null;
            while (q == null) { q = FioMemory.Realloc(q, 8); FioMemory.Alloc(8); } // expect: FIO007
            return q;
        }

        static class Holder { public static nint S; }
        """);

    private const string Violations = """
            static void* s_p;
            static void* s_q = FioMemory.Alloc(8);
            static void Store() { s_p = FioMemory.Alloc(8); }
            static void Mismatch() { NativeMemory.Free(FioMemory.Alloc(8)); }
            static void Twice() { void* p = FioMemory.Alloc(8); FioMemory.Free(p); FioMemory.Free(p); }
            static void Grow() { void* p = null, q; for (int i = 0; i < 3; i++) { p = FioMemory.Realloc(p, 8); q = FioMemory.Alloc(8); } FioMemory.Free(p); }
            static void Migrate() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); }
        """;

    [Fact]
    public Task Generated_code_is_neither_analysed_nor_reported() => AssertExpectedDiagnostics(OutputKind.DynamicallyLinkedLibrary, $$"""
        using System.CodeDom.Compiler;
        using System.Runtime.InteropServices;
        using FioMem;

        [GeneratedCode("tool", "1.0")]
        unsafe class GeneratedType
        {
        {{Violations}}
        }

        unsafe class HandWritten
        {
            [GeneratedCode("tool", "1.0")]
            static void GeneratedMember() { NativeMemory.Free(FioMemory.Alloc(8)); }
            static void Mine() { NativeMemory.Free(FioMemory.Alloc(8)); } // expect: FIO002 FIO003
        }
        """, $$"""
        // <auto-generated/>
        using System.Runtime.InteropServices;
        using FioMem;

        unsafe class InAGeneratedFile
        {
        {{Violations}}
        }
        """);

    /// <summary>Runs the analyzers and compares their diagnostics, by line, with the <c>// expect:</c> comments.</summary>
    private static async Task AssertExpectedDiagnostics(OutputKind kind, string source, string? otherFile = null)
    {
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Test0.cs") };
        if (otherFile is not null)
            trees.Add(CSharpSyntaxTree.ParseText(otherFile, new CSharpParseOptions(LanguageVersion.Latest), path: "Test1.cs"));
        var compilation = CSharpCompilation.Create(
            "MemberShapes",
            trees,
            TestReferences.WithFioMem,
            new CSharpCompilationOptions(kind, allowUnsafe: true));
        Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        var result = await AnalyzerRunner.RunAsync(compilation, s_analyzers);
        Assert.Empty(result.Exceptions);

        var expected = new List<string>();
        var lines = source.Split('\n');
        for (int line = 0; line < lines.Length; line++)
        {
            int marker = lines[line].IndexOf("// expect:", StringComparison.Ordinal);
            if (marker < 0)
                continue;
            foreach (var id in lines[line].Substring(marker + "// expect:".Length).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                expected.Add($"{line + 1}: {id.Trim()}");
        }

        Assert.DoesNotContain(result.Diagnostics, d => d.Id.StartsWith("FIO", StringComparison.Ordinal) && d.Location.SourceTree?.FilePath == "Test1.cs");
        var actual = result.Diagnostics
            .Where(d => d.Id.StartsWith("FIO", StringComparison.Ordinal))
            .Select(d => $"{d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}")
            .ToList();
        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }
}
