// The warning annotations a fix puts where its rewrite changes what the code does at run time, and nowhere else.
using System.Threading.Tasks;
using FioMem.Analyzers.Migration;
using FioMem.Analyzers.MismatchedRelease;
using FioMem.Analyzers.StaticStorage;
using FioMem.Analyzers.Tests.Verifiers;
using FioMem.CodeFixes.Common;
using FioMem.CodeFixes.Migration;
using FioMem.CodeFixes.MismatchedRelease;
using FioMem.CodeFixes.StaticStorage;
using Xunit;
using Warning = FioMem.Analyzers.Tests.Verifiers.CodeActionRunner.Warning;

namespace FioMem.Analyzers.Tests.CodeFixes;

public class BehaviourWarningTests
{
    [Fact]
    public async Task Alloc_rewritten_to_AllocLongLived_warns_that_the_memory_never_goes_back_to_a_block()
    {
        var offered = Assert.Single(await CodeActionRunner.OfferedAsync(new StaticStorageAnalyzer(), new UseAllocLongLivedCodeFix(), """
            using FioMem;
            unsafe class C
            {
                static void* s_p;
                void M() { s_p = FioMemory.Alloc(16); }
            }
            """));

        Assert.Equal([new Warning("FioMemory.AllocLongLived(16)", BehaviourWarnings.LongLivedText)], await CodeActionRunner.WarningsAsync(offered));
    }

    [Fact]
    public async Task Count_times_size_rewritten_to_a_checked_product_also_warns_that_the_overflow_exception_changes()
    {
        var offered = Assert.Single(await CodeActionRunner.OfferedAsync(new StaticStorageAnalyzer(), new UseAllocLongLivedCodeFix(), """
            using FioMem;
            unsafe class C
            {
                static void* s_p;
                void M(uint size) { s_p = FioMemory.AllocZeroed(4, size); }
            }
            """));

        Assert.Equal(
            [
                new Warning("FioMemory.AllocLongLived(checked((nuint)4 * size))", BehaviourWarnings.LongLivedText),
                new Warning("checked((nuint)4 * size)", BehaviourWarnings.ProductOverflowText),
            ],
            await CodeActionRunner.WarningsAsync(offered));
    }

    [Fact]
    public async Task Migration_of_memory_that_is_never_freed_warns_on_each_AllocLongLived()
    {
        var offered = await CodeActionRunner.OfferedAsync(new NativeMemoryMigrationAnalyzer(), new UseFioMemAllocatorCodeFix(), """
            using System.Runtime.InteropServices;
            unsafe class C
            {
                static readonly byte* s_table = (byte*)NativeMemory.AllocZeroed(256);
            }
            """);

        Assert.Equal(
            [new Warning("FioMemory.AllocLongLived(256)", BehaviourWarnings.LongLivedText)],
            await CodeActionRunner.WarningsAsync(Assert.Single(offered)));
    }

    [Fact]
    public async Task Migration_of_memory_that_is_freed_keeps_behaviour_and_carries_no_warning()
    {
        // NativeMemory.Alloc(count, size) and FioMemory.Alloc(count, size) both throw OutOfMemoryException on overflow.
        var offered = await CodeActionRunner.OfferedAsync(new NativeMemoryMigrationAnalyzer(), new UseFioMemAllocatorCodeFix(), """
            using System.Runtime.InteropServices;
            unsafe class C
            {
                void M(nuint count)
                {
                    void* p = NativeMemory.Alloc(count, 16);
                    NativeMemory.Free(p);
                }
            }
            """);

        Assert.Equal(2, offered.Count);
        foreach (var action in offered)
            Assert.Empty(await CodeActionRunner.WarningsAsync(action));
    }

    [Fact]
    public async Task Matching_release_carries_no_warning()
    {
        var offered = Assert.Single(await CodeActionRunner.OfferedAsync(new MismatchedReleaseAnalyzer(), new UseMatchingReleaseCodeFix(), """
            using System.Runtime.InteropServices;
            using FioMem;
            unsafe class C
            {
                void M()
                {
                    void* p = FioMemory.Alloc(8);
                    NativeMemory.Free(p);
                }
            }
            """));

        Assert.Empty(await CodeActionRunner.WarningsAsync(offered));
    }
}
