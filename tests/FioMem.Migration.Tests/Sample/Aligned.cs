// Aligned memory: a SIMD table, a page-aligned arena, and an aligned wrapper whose alignment is a parameter.
using System.Runtime.InteropServices;

namespace Sample;

internal static unsafe class AlignedMemory
{
    public static void* Alloc(nuint size, nuint alignment) => NativeMemory.AlignedAlloc(size, alignment);

    public static void Free(void* p) => NativeMemory.AlignedFree(p);
}

internal sealed unsafe class SimdTable
{
    private float* _values;
    private int _count;

    public SimdTable(int count)
    {
        _count = count;
        _values = (float*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);
        for (int i = 0; i < count; i++)
            _values[i] = i * 0.5f;
    }

    public bool IsAligned => ((nuint)_values & 63) == 0;

    public void Grow()
    {
        _values = (float*)NativeMemory.AlignedRealloc(_values, (nuint)(2 * _count * sizeof(float)), 64);
        for (int i = _count; i < 2 * _count; i++)
            _values[i] = i * 0.5f;
        _count *= 2;
    }

    public float Sum()
    {
        float sum = 0;
        for (int i = 0; i < _count; i++)
            sum += _values[i];
        return sum;
    }

    public void Dispose() => NativeMemory.AlignedFree(_values);
}

internal static unsafe class Aligned
{
    public static string Run()
    {
        var table = new SimdTable(64);
        bool aligned = table.IsAligned;
        table.Grow();
        aligned &= table.IsAligned;
        float sum = table.Sum();
        table.Dispose();

        byte* page = (byte*)AlignedMemory.Alloc(4096, 4096);
        aligned &= ((nuint)page & 4095) == 0;
        page[4095] = 7;
        int last = page[4095];
        AlignedMemory.Free(page);

        void* small = NativeMemory.AlignedAlloc(48, 16);
        aligned &= ((nuint)small & 15) == 0;
        NativeMemory.AlignedFree(small);
        return aligned + "/" + sum + "/" + last;
    }
}
