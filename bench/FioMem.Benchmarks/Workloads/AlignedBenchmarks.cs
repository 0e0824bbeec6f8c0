// Aligned allocations (NativeMemory's AlignedAlloc family) next to plain ones of the same size.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace FioMem.Benchmarks.Workloads;

/// <summary>
/// <see cref="AllocationsPerInvoke"/> allocations of <see cref="Size"/> bytes on one thread, one byte written in each,
/// then all freed in the order they were made (so FioMem's step-back over its latest allocation does not apply): the
/// cost of an aligned allocation against a plain one, and against <c>NativeMemory.AlignedAlloc</c>.
/// </summary>
public unsafe class AlignedBenchmarks
{
    /// <summary>Allocations per invocation.</summary>
    public const int AllocationsPerInvoke = 1024;

    private readonly nint[] _pointers = new nint[AllocationsPerInvoke];

    /// <summary>Bytes per allocation.</summary>
    [Params(256)]
    public int Size { get; set; }

    /// <summary>The alignment asked of the aligned cases.</summary>
    [Params(64)]
    public int Alignment { get; set; }

    /// <summary>FioMem, plain (16-byte aligned).</summary>
    [Benchmark(Baseline = true, Description = "FioMem Alloc (16-byte aligned)", OperationsPerInvoke = AllocationsPerInvoke)]
    public void FioMemAlloc()
    {
        for (int i = 0; i < _pointers.Length; i++)
        {
            byte* p = (byte*)FioMemory.Alloc((nuint)Size);
            p[0] = 1;
            _pointers[i] = (nint)p;
        }
        for (int i = 0; i < _pointers.Length; i++)
            FioMemory.Free((void*)_pointers[i]);
    }

    /// <summary>FioMem, aligned on <see cref="Alignment"/>.</summary>
    [Benchmark(Description = "FioMem AlignedAlloc", OperationsPerInvoke = AllocationsPerInvoke)]
    public void FioMemAlignedAlloc()
    {
        nuint alignment = (nuint)Alignment;
        for (int i = 0; i < _pointers.Length; i++)
        {
            byte* p = (byte*)FioMemory.AlignedAlloc((nuint)Size, alignment);
            p[0] = 1;
            _pointers[i] = (nint)p;
        }
        for (int i = 0; i < _pointers.Length; i++)
            FioMemory.AlignedFree((void*)_pointers[i]);
    }

    /// <summary>The system allocator's aligned allocation, cleared so it is zeroed like FioMem's.</summary>
    [Benchmark(Description = "NativeMemory.AlignedAlloc + Clear", OperationsPerInvoke = AllocationsPerInvoke)]
    public void NativeAlignedAlloc()
    {
        nuint alignment = (nuint)Alignment;
        nuint size = (nuint)Size;
        for (int i = 0; i < _pointers.Length; i++)
        {
            byte* p = (byte*)NativeMemory.AlignedAlloc(size, alignment);
            NativeMemory.Clear(p, size);
            p[0] = 1;
            _pointers[i] = (nint)p;
        }
        for (int i = 0; i < _pointers.Length; i++)
            NativeMemory.AlignedFree((void*)_pointers[i]);
    }
}
