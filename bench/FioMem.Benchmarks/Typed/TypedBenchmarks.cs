// The "typed" workload: allocate, touch and free one 48-byte value, typed and untyped, against the GC and NativeMemory.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace FioMem.Benchmarks.Typed;

/// <summary>
/// One alloc+free pair per operation, <see cref="PairsPerInvoke"/> per invocation so the timer's resolution does
/// not dominate. The typed helpers should cost nothing over <see cref="FioMemory_Alloc_with_cast"/>. Each value is
/// freed at once on the thread that made it, FioMem's best case (the bump pointer steps back over the latest
/// allocation), as in <see cref="Workloads.TinyBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public unsafe class TypedBenchmarks
{
    private const int PairsPerInvoke = 1024;

    // The GC peer publishes each object so the JIT cannot stack-allocate it (.NET 10 escape analysis would).
    private static Body48Class? s_lastBody;

    [Benchmark(Baseline = true, Description = "FioMemory.Alloc + cast, freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public double FioMemory_Alloc_with_cast()
    {
        double sum = 0;
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            Body48* body = (Body48*)FioMemory.Alloc((nuint)sizeof(Body48));
            body->X = i;
            sum += body->X + body->VZ;
            FioMemory.Free(body);
        }

        return sum;
    }

    [Benchmark(Description = "FioAlloc<T>.New, freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public double FioAlloc_New_Free()
    {
        double sum = 0;
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            Body48* body = FioAlloc<Body48>.New();
            body->X = i;
            sum += body->X + body->VZ;
            FioAlloc<Body48>.Free(body);
        }

        return sum;
    }

    [Benchmark(Description = "generated T.New, freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public double Shorthand_New_Free()
    {
        double sum = 0;
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            Body48* body = Body48.New();
            body->X = i;
            sum += body->X + body->VZ;
            Body48.Free(body);
        }

        return sum;
    }

    [Benchmark(Description = "GC new class, dropped at once", OperationsPerInvoke = PairsPerInvoke)]
    public double Gc_new_class()
    {
        double sum = 0;
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            Body48Class body = new() { X = i };
            s_lastBody = body;
            sum += body.X + body.VZ;
        }

        return sum;
    }

    [Benchmark(Description = "NativeMemory.AllocZeroed, freed at once", OperationsPerInvoke = PairsPerInvoke)]
    public double NativeMemory_AllocZeroed_Free()
    {
        double sum = 0;
        for (int i = 0; i < PairsPerInvoke; i++)
        {
            Body48* body = (Body48*)NativeMemory.AllocZeroed((nuint)sizeof(Body48));
            body->X = i;
            sum += body->X + body->VZ;
            NativeMemory.Free(body);
        }

        return sum;
    }
}
