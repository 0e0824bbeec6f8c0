// Memory that goes through the runtime's generic methods as their type parameter: Parallel.For's thread-local state,
// made, used and freed by the lambdas of the one call, and the state ThreadPool hands to the callback it is queued with.
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Sample;

internal static unsafe class Generics
{
    public static string Run()
    {
        int total = 0;
        Parallel.For(0, 64, () => (nuint)NativeMemory.AllocZeroed(256), (row, state, scratch) =>
        {
            var bytes = (byte*)scratch;
            for (int i = 0; i < 256; i++)
                bytes[i] += (byte)(row + i);
            int sum = 0;
            for (int i = 0; i < 256; i++)
                sum += (byte)(bytes[i] - (byte)(row + i)) == 0 ? bytes[i] : 0;
            Interlocked.Add(ref total, sum);
            for (int i = 0; i < 256; i++)
                bytes[i] = 0;
            return scratch;
        }, scratch => NativeMemory.Free((void*)scratch));

        using var done = new ManualResetEventSlim();
        int queued = 0;
        nint block = (nint)NativeMemory.Alloc(sizeof(int));
        *(int*)block = 42;
        ThreadPool.QueueUserWorkItem(state =>
        {
            queued = *(int*)state;
            NativeMemory.Free((void*)state);
            done.Set();
        }, block, preferLocal: false);
        done.Wait();
        return total + "/" + queued;
    }
}
