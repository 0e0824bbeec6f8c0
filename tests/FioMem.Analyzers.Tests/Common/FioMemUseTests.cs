// The gate of the FioMem-only rules: a compilation that cannot call FioMem is skipped, every way of calling it is not.
using System.IO;
using System.Linq;
using System.Threading;
using FioMem.Analyzers.Common;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace FioMem.Analyzers.Tests.Common;

public class FioMemUseTests
{
    [Theory]
    [InlineData("unsafe class C { void M() { void* p = FioMem.FioMemory.Alloc(8); } }")]
    [InlineData("using static FioMem.FioMemory; unsafe class C { void M() { void* p = Alloc(8); } }")]
    [InlineData("using F = FioMem.FioMemory; unsafe class C { void M() { void* p = F.Alloc(8); } }")]
    [InlineData("using FioMem; unsafe class C { void M() { var p = FioAlloc<long>.New(); } }")]
    [InlineData("[FioMem.FioAllocated] partial struct Node { public long Value; }")]
    public void Every_spelling_of_a_FioMem_call_passes_the_gate(string source) =>
        Assert.True(FioMemUse.MayCallFioMem(Compile(source), CancellationToken.None));

    [Fact]
    public void Code_that_names_no_FioMem_type_is_skipped() =>
        Assert.False(FioMemUse.MayCallFioMem(
            Compile("using System.Runtime.InteropServices; unsafe class C { void M() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); } }"),
            CancellationToken.None));

    [Fact]
    // A [FioAllocated] struct of another assembly: its generated New is called without naming FioMem here.
    public void A_reference_to_an_assembly_that_uses_FioMem_passes_the_gate()
    {
        var library = Compile("public class Uses { public static unsafe void* Make() => FioMem.FioMemory.Alloc(8); }");
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var app = CSharpCompilation.Create("App",
            [CSharpSyntaxTree.ParseText("class C { void M() { } }")],
            TestReferences.WithFioMem.Append(MetadataReference.CreateFromImage(image.ToArray())),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.True(FioMemUse.MayCallFioMem(app, CancellationToken.None));
    }

    private static CSharpCompilation Compile(string source) =>
        CSharpCompilation.Create("Gate" + source.GetHashCode(),
            [CSharpSyntaxTree.ParseText(source)],
            TestReferences.WithFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
}
