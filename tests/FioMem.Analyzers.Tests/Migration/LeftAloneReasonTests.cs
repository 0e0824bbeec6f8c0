// Every reason docs/diagnostics/FIO003.md gives for leaving an allocation alone, with the example it gives; and the
// values from outside that keep nothing on NativeMemory.
using System.Collections.Immutable;
using System.Linq;
using FioMem.Analyzers.Migration;
using FioMem.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace FioMem.Analyzers.Tests.Migration;

public class LeftAloneReasonTests
{
    [Theory]
    [InlineData(nameof(LeftAloneReason.ReturnedFromPublicMember), "public static class Api { public static void* Make() => NativeMemory.Alloc(8); }")]
    [InlineData(nameof(LeftAloneReason.PublicStorage), "public class Api { public byte* Buffer = (byte*)NativeMemory.Alloc(8); void Close() => NativeMemory.Free(Buffer); }")]
    [InlineData(nameof(LeftAloneReason.PassedToNativeCode), "static class C { [DllImport(\"n\")] static extern void Take(void* p); static void M() { void* p = NativeMemory.Alloc(8); Take(p); } }")]
    [InlineData(nameof(LeftAloneReason.PassedToExternalMethod), "static class C { static void M(System.Collections.Generic.List<nint> list) { void* p = NativeMemory.Alloc(8); list.Add((nint)p); NativeMemory.Free(p); } }")]
    [InlineData(nameof(LeftAloneReason.DelegateOrFunctionPointer), "static class C { static void M(System.Action<nint> callback) { void* p = NativeMemory.Alloc(8); callback((nint)p); NativeMemory.Free(p); } }")]
    [InlineData(nameof(LeftAloneReason.MethodGroup), "static class C { static nint Make() => (nint)NativeMemory.Alloc(8); static void M() { System.Func<nint> f = Make; NativeMemory.Free((void*)Make()); } }")]
    [InlineData(nameof(LeftAloneReason.UnfollowedStorage), "static class C { static void M(void** slot) { void* p = NativeMemory.Alloc(8); *slot = p; NativeMemory.Free(p); } }")]
    [InlineData(nameof(LeftAloneReason.AddressTaken), "static class C { static void M() { void* p = NativeMemory.Alloc(8); void** pp = &p; NativeMemory.Free(p); } }")]
    [InlineData(nameof(LeftAloneReason.InteriorPointer), "static class C { static void M() { byte* p = (byte*)NativeMemory.Alloc(32); byte* q = p + 16; NativeMemory.Free(q - 16); } }")]
    [InlineData(nameof(LeftAloneReason.OverridesExternalMember), "class D : System.ICloneable { public object Clone() => (nint)NativeMemory.Alloc(8); }")]
    [InlineData(nameof(LeftAloneReason.NeverFreedWithoutLongLivedTwin), "static class C { static byte* s_t = (byte*)NativeMemory.Alloc(16, 16); }")]
    public void The_documented_example_keeps_its_allocation_for_its_reason_and_moves_its_releases(string reasonName, string members)
    {
        var reason = System.Enum.Parse<LeftAloneReason>(reasonName);
        var verdicts = Explain("using System.Runtime.InteropServices;\nunsafe " + members, "");
        Assert.NotEmpty(verdicts);
        foreach (var (call, verdict) in verdicts)
        {
            if (call.Role == NativeMemoryCallRole.Release)
                Assert.Equal(call.FioMethod, verdict.Target);
            else
                Assert.Equal((null, reason), (verdict.Target, verdict.Reason));
        }
    }

    [Theory]
    [InlineData("a public member's parameter", "public static class Api { public static void Release(void* p) => NativeMemory.Free(p); static void M() { Release(NativeMemory.Alloc(8)); } }")]
    [InlineData("a P/Invoke's result", "static class C { [DllImport(\"n\")] static extern void* Acquire(); static void M() { void* p = NativeMemory.Alloc(8); p = Acquire(); NativeMemory.Free(p); } }")]
    [InlineData("a method group's parameter", "static class C { static void Release(nint p) => NativeMemory.Free((void*)p); static void M() { System.Action<nint> a = Release; Release((nint)NativeMemory.Alloc(8)); } }")]
    [InlineData("an external interface's parameter", "class D : System.IEquatable<nint> { public bool Equals(nint p) { NativeMemory.Free((void*)p); return true; } static void M() { new D().Equals((nint)NativeMemory.Alloc(8)); } }")]
    [InlineData("a delegate's result", "static class C { static void M(System.Func<nint> make) { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); p = (void*)make(); NativeMemory.Free(p); } }")]
    [InlineData("a release of null", "static class C { static void M() { NativeMemory.Free(null); } }")]
    public void A_pointer_from_outside_keeps_nothing_on_NativeMemory(string inflow, string members)
    {
        var verdicts = Explain("using System.Runtime.InteropServices;\nunsafe " + members, "");
        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.True(v.Verdict.Moves, inflow + ": " + v.Call.NativeMethod + " stays, " + v.Verdict.Reason));
    }

    [Fact]
    public void Never_freed_memory_in_a_multi_targeting_project_is_left_alone()
    {
        const string source = "using System.Runtime.InteropServices;\nunsafe static class C { static byte* s_t = (byte*)NativeMemory.Alloc(16); }";
        Assert.Equal([LeftAloneReason.None], Reasons(source, "", "FIOMEM"));
        Assert.Equal([LeftAloneReason.NeverFreedInMultiTargetProject], Reasons(source, "build_property.FioMemTargetFrameworks = net10.0 net9.0", "FIOMEM"));
    }

    [Fact]
    public void A_multi_targeting_project_without_the_FIOMEM_symbol_is_left_alone()
    {
        const string source = "using System.Runtime.InteropServices;\nunsafe static class C { static void M() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); } }";
        Assert.Equal([LeftAloneReason.None], Reasons(source, "build_property.FioMemTargetFrameworks = net10.0 net9.0", "FIOMEM"));
        Assert.Equal([LeftAloneReason.MultiTargetWithoutFioMemSymbol], Reasons(source, "build_property.FioMemTargetFrameworks = net10.0 net9.0"));
    }

    private static LeftAloneReason[] Reasons(string source, string globalOptions, params string[] symbols) =>
        Explain(source, globalOptions, symbols).Select(v => v.Verdict.Reason).Distinct().ToArray();

    private static (MigrationCandidate Call, CallVerdict Verdict)[] Explain(string source, string globalOptions, params string[] symbols)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: symbols), path: "Test0.cs");
        var compilation = CSharpCompilation.Create("Reasons", [tree], TestReferences.WithFioMem,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new TestOptionsProvider(globalOptions));
        return MigrationExplainer.Explain(compilation, options).ToArray();
    }

    internal sealed class TestOptionsProvider(string lines) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(lines);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(string lines) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new("");

            public override bool TryGetValue(string key, out string value)
            {
                foreach (var line in lines.Split('\n'))
                {
                    var parts = line.Split('=', 2);
                    if (parts.Length == 2 && parts[0].Trim() == key)
                    {
                        value = parts[1].Trim();
                        return true;
                    }
                }

                value = string.Empty;
                return false;
            }
        }
    }
}
