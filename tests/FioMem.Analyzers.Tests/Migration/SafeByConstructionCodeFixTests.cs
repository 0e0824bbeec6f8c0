// The code fix on the shapes the safe-by-construction contract moves: releases of any origin, method groups of releases,
// and an allocation that stays while the release beside it moves.
using System.Threading.Tasks;
using Xunit;
using Verify = FioMem.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    FioMem.Analyzers.Migration.NativeMemoryMigrationAnalyzer,
    FioMem.CodeFixes.Migration.UseFioMemAllocatorCodeFix>;

namespace FioMem.Analyzers.Tests.Migration;

public class SafeByConstructionCodeFixTests
{
    [Fact]
    public Task A_release_used_as_a_function_pointer_becomes_FioMemorys() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;

            static unsafe class C
            {
                static delegate*<void*, void> s_free = &{|FIO003:NativeMemory.Free|};
                static void M(void* p) => s_free(p);
            }
            """, """
            using FioMem;

            static unsafe class C
            {
                static delegate*<void*, void> s_free = &FioMemory.Free;
                static void M(void* p) => s_free(p);
            }
            """);

    [Fact]
    public Task An_allocation_given_to_native_code_stays_and_the_release_beside_it_moves() =>
        Verify.VerifyCodeFixAsync("""
            using System.Runtime.InteropServices;

            static unsafe class C
            {
                [DllImport("libc", EntryPoint = "free")] static extern void release(void* p);

                static void M(bool native)
                {
                    void* p = NativeMemory.Alloc(16);
                    if (native)
                        release(p);
                    else
                        {|FIO003:NativeMemory.Free(p)|};
                }
            }
            """, """
            using System.Runtime.InteropServices;
            using FioMem;

            static unsafe class C
            {
                [DllImport("libc", EntryPoint = "free")] static extern void release(void* p);

                static void M(bool native)
                {
                    void* p = NativeMemory.Alloc(16);
                    if (native)
                        release(p);
                    else
                        FioMemory.Free(p);
                }
            }
            """);
}
