// FIO004 (type cannot be [FioAllocated]), FIO005 (struct at or over the large-allocation limit) and FIO008 (pointer
// members left out: no unsafe code).
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<FioMem.Analyzers.FioAllocatedTypes.FioAllocatedTypeAnalyzer>;

namespace FioMem.Analyzers.Tests.FioAllocatedTypes;

public class FioAllocatedTypeAnalyzerTests
{
    [Fact]
    public Task Eligible_partial_unmanaged_struct_is_fine() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            [FioAllocated] partial struct Point { public int X, Y; }
            partial class Outer { [FioAllocated] partial struct Inner { public long V; } }
            [FioAllocated] readonly partial record struct Pair(int A, int B);
            """);

    [Fact]
    public Task Class_record_interface_and_enum_are_reported_even_where_AttributeUsage_is_bypassed() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            [{|CS0592:FioAllocated|}] partial class {|#0:C|} { }
            [{|CS0592:FioAllocated|}] partial record {|#1:R|}(int A);
            [{|CS0592:FioAllocated|}] partial interface {|#2:I|} { }
            [{|CS0592:FioAllocated|}] enum {|#3:E|} { A }
            """,
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithArguments("C", "it is a class, not a struct"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(1).WithArguments("R", "it is a record class, not a struct"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(2).WithArguments("I", "it is an interface, not a struct"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(3).WithArguments("E", "it is an enum, not a struct"));

    [Fact]
    public Task Managed_ref_and_generic_structs_say_why() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            [FioAllocated] partial struct {|#0:Managed|} { public string Name; }
            [FioAllocated] ref partial struct {|#1:Span|} { public int X; }
            [FioAllocated] partial struct {|#2:Box|}<T> where T : unmanaged { public T Value; }
            partial class Host<T> { [FioAllocated] partial struct {|#3:Nested|} { public int X; } }
            """,
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithArguments("Managed", "it is not unmanaged (it holds references)"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(1).WithArguments("Span", "it is a ref struct"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(2).WithArguments("Box", "it is generic"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(3).WithArguments("Nested", "it is nested in generic type 'Host'"));

    [Fact]
    public Task Non_partial_struct_and_non_partial_containing_types_are_listed() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            [FioAllocated] struct {|#0:Plain|} { public int X; }
            class Outer { partial class Middle { [FioAllocated] struct {|#1:Deep|} { public int X; } } }
            [FioAllocated] struct {|#2:Both|} { public object O; }
            """,
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithArguments("Plain", "it is not partial"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(1).WithArguments("Deep", "it is not partial; its containing type 'Outer' is not partial"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(2).WithArguments("Both", "it is not unmanaged (it holds references); it is not partial"));

    [Fact]
    public Task File_local_struct_and_struct_in_a_file_local_type_are_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            [FioAllocated] file partial struct {|#0:Local|} { public int X; }
            file partial class Holder { [FioAllocated] public partial struct {|#1:Inner|} { public int X; } }
            """,
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithArguments("Local", "it is a file-local type"),
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(1).WithArguments("Inner", "it is nested in file-local type 'Holder'"));

    [Fact]
    public Task Struct_at_the_limit_is_reported_with_its_size() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            [FioAllocated] unsafe partial struct {|#0:AtLimit|} { public fixed byte Data[49152]; }
            [FioAllocated] unsafe partial struct JustUnder { public fixed byte Data[49151]; }
            """,
            Verify.Diagnostic("FIO005").WithLocation(0).WithArguments("AtLimit", 49152L, 49152));

    [Fact]
    public Task Enum_fields_take_the_size_of_their_underlying_type() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            enum Kind : long { A }
            [FioAllocated] unsafe partial struct {|#0:Tagged|} { public fixed byte Data[49140]; public Kind K; }
            """,
            // 49140 bytes, padded to 49144 for the 8-byte enum, + 8.
            Verify.Diagnostic("FIO005").WithLocation(0).WithArguments("Tagged", 49152L, 49152));

    [Fact]
    public Task Padding_pushes_a_struct_over_the_limit() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            struct Cell { public byte Tag; public long Value; }
            [FioAllocated] unsafe partial struct {|#0:Padded|} { public fixed long Data[6143]; public byte A; public Cell C; }
            """,
            // 49144 + 1 -> padded to 49152 for Cell (16): 49168 bytes; the fields alone add up to 49154.
            Verify.Diagnostic("FIO005").WithLocation(0).WithArguments("Padded", 49168L, 49152));

    [Fact]
    public Task Explicit_layout_pack_and_size_are_honoured() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Runtime.InteropServices;
            using FioMem;
            [FioAllocated, StructLayout(LayoutKind.Explicit)] partial struct {|#0:Overlay|} { [FieldOffset(49150)] public int Tail; [FieldOffset(0)] public long Head; }
            [FioAllocated, StructLayout(LayoutKind.Sequential, Size = 60000)] partial struct {|#1:Sized|} { public int X; }
            [FioAllocated, StructLayout(LayoutKind.Sequential, Pack = 1)] unsafe partial struct Packed { public fixed byte Data[49150]; public byte B; }
            """,
            Verify.Diagnostic("FIO005").WithLocation(0).WithArguments("Overlay", 49160L, 49152),
            Verify.Diagnostic("FIO005").WithLocation(1).WithArguments("Sized", 60000L, 49152));

    [Fact]
    public Task Auto_properties_count_through_their_backing_fields() =>
        Verify.VerifyAnalyzerAsync("""
            using FioMem;
            struct Big { public decimal A, B, C, D, E, F, G, H; }   // 128 bytes
            [FioAllocated] partial struct {|#0:Props|}
            {
                public Big P0 { get; set; } public Big P1 { get; set; } public Big P2 { get; set; } public Big P3 { get; set; }
                public Big P4 { get; set; } public Big P5 { get; set; } public Big P6 { get; set; } public Big P7 { get; set; }
                public Big10 Rest;
            }
            unsafe struct Big10 { public fixed long L[6100]; }     // 48800 bytes: under the limit without the properties
            """,
            Verify.Diagnostic("FIO005").WithLocation(0).WithArguments("Props", 49824L, 49152).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));

    [Fact]
    public Task Unmarked_types_and_code_without_FioMem_are_ignored() =>
        Verify.VerifyAnalyzerAsync("""
            unsafe struct Huge { public fixed byte Data[100000]; }
            class C { }
            """, referenceFioMem: false);

    [Fact]
    public Task Without_unsafe_code_an_eligible_struct_is_told_it_gets_no_New_and_Free() =>
        VerifyWithoutUnsafeAsync("""
            using FioMem;
            [FioAllocated] partial struct {|#0:Point|} { public int X, Y; }
            """,
            Verify.Diagnostic("FIO008").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithLocation(0).WithArguments("Point", "New and Free"));

    [Fact]
    public Task Without_unsafe_code_a_member_the_struct_declares_itself_is_not_listed() =>
        VerifyWithoutUnsafeAsync("""
            using FioMem;
            [FioAllocated] partial struct {|#0:OwnNew|} { public int X; public static OwnNew New() => default; }
            [FioAllocated] partial struct {|#1:OwnFree|} { public int X; public static void Free() { } }
            [FioAllocated] partial struct Both { public int X; public static Both New() => default; public static void Free() { } }
            """,
            Verify.Diagnostic("FIO008").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithLocation(0).WithArguments("OwnNew", "Free"),
            Verify.Diagnostic("FIO008").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithLocation(1).WithArguments("OwnFree", "New"));

    [Fact]
    public Task Without_unsafe_code_an_ineligible_type_gets_FIO004_only() =>
        VerifyWithoutUnsafeAsync("""
            using FioMem;
            [FioAllocated] partial struct {|#0:Managed|} { public string Name; }
            """,
            Verify.Diagnostic("FIO004").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithArguments("Managed", "it is not unmanaged (it holds references)"));

    private static async Task VerifyWithoutUnsafeAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Verify.Test { TestCode = source };
        test.TestState.AdditionalReferences.AddRange(FioMem.Analyzers.Tests.Verifiers.TestReferences.WithFioMem);
        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectCompilationOptions(projectId,
            ((CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(false)));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }
}
