// FIO003 on memory that passes through the runtime's generic methods as a type parameter and comes back through the
// lambdas, local functions and methods given to the same call; and on the ways out that stay ways out.
using System.Threading.Tasks;
using Xunit;

namespace FioMem.Analyzers.Tests.Migration;

public class FrameworkGenericShapesTests
{
    [Fact]
    // Parallel.For's thread-local state: made by one lambda, handed to the body and then to the last lambda, which frees
    // it. Parallel.For knows it only as TLocal, so it can only hand it back through TLocal.
    public Task A_thread_local_state_made_and_freed_by_the_lambdas_of_one_Parallel_For_migrates() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.InteropServices;
            using System.Threading.Tasks;
            internal static unsafe class Rows
            {
                public static void Scale(float* data, int rows, int width)
                {
                    nuint bytes = (nuint)(width * sizeof(float));
                    Parallel.For(0, rows, () => (nuint){|FIO003:NativeMemory.Alloc(bytes)|}, (row, state, scratch) =>
                    {
                        var line = (float*)scratch;
                        for (int i = 0; i < width; i++)
                            line[i] = data[row * width + i] * 2;
                        for (int i = 0; i < width; i++)
                            data[row * width + i] = line[i];
                        return scratch;
                    }, scratch => {|FIO003:NativeMemory.Free((void*)scratch)|});
                }
            }
            """);

    [Fact]
    // The state argument of ThreadPool.QueueUserWorkItem<TState> goes to the method group it is given with; the state
    // of string.Create<TState> to its lambda's second parameter.
    public Task State_handed_through_a_generic_call_to_its_own_method_group_or_lambda_migrates() =>
        MigrationTest.LibraryAsync("""
            using System.Runtime.InteropServices;
            using System.Threading;
            internal static unsafe class Work
            {
                public static void Queue() =>
                    ThreadPool.QueueUserWorkItem(Release, (nint){|FIO003:NativeMemory.AllocZeroed(64)|}, preferLocal: false);

                private static void Release(nint block) => {|FIO003:NativeMemory.Free((void*)block)|};

                public static string Letters(int n)
                {
                    nint codes = (nint){|FIO003:NativeMemory.AllocZeroed((nuint)n)|};
                    string text = string.Create(n, codes, (chars, state) =>
                    {
                        for (int i = 0; i < chars.Length; i++)
                            chars[i] = (char)('a' + ((byte*)state)[i]);
                    });
                    {|FIO003:NativeMemory.Free((void*)codes)|};
                    return text;
                }

                public static void Local(int rows)
                {
                    System.Threading.Tasks.Parallel.For(0, rows, Make, Body, Drop);

                    static nint Make() => (nint){|FIO003:NativeMemory.Alloc(16)|};
                    static nint Body(int row, System.Threading.Tasks.ParallelLoopState state, nint block) { ((byte*)block)[0] = (byte)row; return block; }
                    static void Drop(nint block) => {|FIO003:NativeMemory.Free((void*)block)|};
                }
            }
            """);

    [Fact]
    // Ways out that stay ways out: a Task<T> (read later through Result), a lambda kept in a variable before it is given,
    // a lambda returning the memory as object, memory passed as object, a Lazy<T> or ThreadLocal<T> (their constructors
    // keep the value: only one call's positions are one place), a List<T> (storage the walk does not follow). Their
    // releases still move.
    public Task Memory_leaving_a_generic_call_through_a_task_a_delegate_variable_or_object_keeps_its_allocation() =>
        MigrationTest.LibraryAsync("""
            using System;
            using System.Collections.Concurrent;
            using System.Runtime.InteropServices;
            using System.Threading;
            using System.Threading.Tasks;
            internal static unsafe class Leaks
            {
                private static readonly ConcurrentDictionary<int, object> s_cache = new();

                public static void ThroughATask()
                {
                    nint block = Task.Run(() => (nint)NativeMemory.Alloc(8)).Result;
                    {|FIO003:NativeMemory.Free((void*)block)|};
                }

                public static void ThroughAVariable(int rows)
                {
                    Func<nint> make = () => (nint)NativeMemory.Alloc(8);
                    Parallel.For(0, rows, make, (row, state, block) => block, block => {|FIO003:NativeMemory.Free((void*)block)|});
                }

                public static object ThroughObject() =>
                    s_cache.GetOrAdd(1, (key, block) => (object)block, (nint)NativeMemory.Alloc(8));

                public static void Drop() => {|FIO003:NativeMemory.Free((void*)(nint)s_cache[1])|};

                public static void AsObject() =>
                    ThreadPool.QueueUserWorkItem(state => {|FIO003:NativeMemory.Free((void*)(nint)state!)|}, (object)(nint)NativeMemory.Alloc(8));

                public static void ThroughLazyAndThreadLocal()
                {
                    var lazy = new Lazy<nint>(() => (nint)NativeMemory.Alloc(8));
                    {|FIO003:NativeMemory.Free((void*)lazy.Value)|};
                    using var local = new ThreadLocal<nint>(() => (nint)NativeMemory.Alloc(8));
                    {|FIO003:NativeMemory.Free((void*)local.Value)|};
                }

                public static void ThroughAList()
                {
                    var blocks = new System.Collections.Generic.List<nint>();
                    blocks.Add((nint)NativeMemory.Alloc(8));
                    Parallel.ForEach(blocks, block => {|FIO003:NativeMemory.Free((void*)block)|});
                }
            }
            """);
}
