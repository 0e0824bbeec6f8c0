// Fix titles are built from what the analyzer put in the diagnostic's properties, never parsed out of other text.
using System.Collections.Immutable;
using System.Threading.Tasks;
using FioMem.Analyzers.Migration;
using FioMem.Analyzers.MismatchedRelease;
using FioMem.Analyzers.Tests.Verifiers;
using FioMem.CodeFixes.Migration;
using FioMem.CodeFixes.MismatchedRelease;
using Xunit;

namespace FioMem.Analyzers.Tests.CodeFixes;

public class CodeFixTitleTests
{
    private const string MismatchedReleases = """
        using System;
        using System.Runtime.InteropServices;
        using FioMem;
        unsafe class C
        {
            void M()
            {
                void* a = FioMemory.Alloc(8);
                NativeMemory.Free(a);
                void* b = NativeMemory.AlignedAlloc(8, 64);
                FioMemory.Free(b);
                IntPtr h = Marshal.AllocHGlobal(8);
                FioMemory.Free((void*)h);
                void* c = FioMemory.Alloc(8);
                c = NativeMemory.Realloc(c, 16);
            }
        }
        """;

    [Fact]
    public Task Mismatched_release_names_its_replacement_for_people_in_a_property() =>
        AnalyzerRunner.AssertPropertiesAsync(new MismatchedReleaseAnalyzer(), MismatchedReleases,
            MismatchedReleaseAnalyzer.ReplacementNameProperty,
            ["FioMemory.Free", "NativeMemory.AlignedFree", "Marshal.FreeHGlobal", "FioMemory.Realloc"]);

    [Fact]
    public async Task Mismatched_release_fix_is_titled_with_its_replacement()
    {
        var offered = await CodeActionRunner.OfferedAsync(new MismatchedReleaseAnalyzer(), new UseMatchingReleaseCodeFix(), MismatchedReleases);

        Assert.Equal(
            ["Use FioMemory.Free", "Use NativeMemory.AlignedFree", "Use Marshal.FreeHGlobal", "Use FioMemory.Realloc"],
            offered.Select(o => o.Action.Title));
        Assert.All(offered, o => Assert.Equal("UseMatchingRelease", o.Action.EquivalenceKey));
    }

    [Fact]
    public void Mismatched_release_title_takes_the_name_from_the_property()
    {
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(MismatchedReleaseAnalyzer.ReplacementProperty, "System.Runtime.InteropServices.Marshal.FreeHGlobal")
            .Add(MismatchedReleaseAnalyzer.ReplacementNameProperty, "Marshal.FreeHGlobal (HGlobal memory)");

        Assert.Equal("Use Marshal.FreeHGlobal (HGlobal memory)",
            UseMatchingReleaseCodeFix.Title(properties, "System.Runtime.InteropServices.Marshal.FreeHGlobal"));
    }

    [Fact]
    public async Task Migration_fix_is_titled_with_its_group()
    {
        var offered = await CodeActionRunner.OfferedAsync(new NativeMemoryMigrationAnalyzer(), new UseFioMemAllocatorCodeFix(), """
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M()
                {
                    void* p = NativeMemory.Alloc(64);
                    NativeMemory.Free(p);
                }
            }
            """);

        Assert.Equal(["Use FioMem allocator for group 'C.M: p'", "Use FioMem allocator for group 'C.M: p'"], offered.Select(o => o.Action.Title));
        Assert.All(offered, o => Assert.Equal(UseFioMemAllocatorCodeFix.Title, o.Action.EquivalenceKey));
        Assert.All(offered, o => Assert.False(o.Diagnostic.Properties.ContainsKey(MigrationProperties.LongLivedKey)));
    }

    [Fact]
    public async Task Migration_fix_says_when_the_memory_becomes_long_lived()
    {
        var offered = await CodeActionRunner.OfferedAsync(new NativeMemoryMigrationAnalyzer(), new UseFioMemAllocatorCodeFix(), """
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static readonly byte* s_table = (byte*)NativeMemory.AllocZeroed(256);
            }
            """);

        var only = Assert.Single(offered);
        Assert.Equal("true", only.Diagnostic.Properties[MigrationProperties.LongLivedKey]);
        Assert.Equal("Use FioMem allocator for group 'C.s_table' (long-lived: never freed)", only.Action.Title);
    }
}
