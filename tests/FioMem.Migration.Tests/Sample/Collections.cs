// Collections whose buffers sit in internal and struct fields: allocated in one method, grown in another, freed in
// Dispose through a helper that takes the pointer as a parameter.
using System;
using System.Runtime.InteropServices;

namespace Sample;

internal sealed unsafe class IntList : IDisposable
{
    internal int* Items;
    public int Count;
    public int Capacity;

    public IntList()
    {
        Capacity = 4;
        Items = (int*)Mem.Alloc((nuint)(Capacity * sizeof(int)));
    }

    public void Add(int value)
    {
        if (Count == Capacity)
        {
            Capacity *= 2;
            Items = (int*)Mem.ReAlloc(Items, (nuint)(Capacity * sizeof(int)));
        }

        Items[Count++] = value;
    }

    public long Sum()
    {
        long sum = 0;
        for (int* p = Items; p < Items + Count; p++)
            sum += *p;
        return sum;
    }

    public void Dispose()
    {
        Release(Items);
        Items = null;
    }

    private static void Release(int* items) => Mem.Free(items);
}

internal unsafe struct ByteBuffer
{
    public byte* Data;
    public int Length;

    public static ByteBuffer Create(int length) =>
        new ByteBuffer { Data = (byte*)NativeMemory.AllocZeroed((nuint)length), Length = length };

    public void Release()
    {
        NativeMemory.Free(Data);
        Data = null;
    }
}

internal static unsafe class Collections
{
    public static string Run()
    {
        long listSum;
        using (var list = new IntList())
        {
            for (int i = 0; i < 100; i++)
                list.Add(i);
            listSum = list.Sum();
        }

        var buffer = ByteBuffer.Create(32);
        for (int i = 0; i < buffer.Length; i++)
            buffer.Data[i] = (byte)i;
        int total = 0;
        for (int i = 0; i < buffer.Length; i++)
            total += buffer.Data[i];
        buffer.Release();
        return listSum + "/" + total;
    }
}
