// A growable byte buffer, shared by every target framework of the project.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace MultiTargetSample;

internal sealed unsafe class Utf8Builder : IDisposable
{
    private byte* _bytes;
    private int _capacity;

    public Utf8Builder(int capacity)
    {
        _capacity = capacity;
        _bytes = (byte*)NativeMemory.Alloc((nuint)capacity);
    }

    public int Length { get; private set; }

    public void Append(string text)
    {
        int count = Encoding.UTF8.GetByteCount(text);
        if (Length + count > _capacity)
        {
            _capacity = Math.Max(2 * _capacity, Length + count);
            _bytes = (byte*)NativeMemory.Realloc(_bytes, (nuint)_capacity);
        }

        fixed (char* chars = text)
            Length += Encoding.UTF8.GetBytes(chars, text.Length, _bytes + Length, _capacity - Length);
    }

    public int Checksum()
    {
        int sum = 0;
        for (int i = 0; i < Length; i++)
            sum = sum * 31 + _bytes[i];
        return sum;
    }

    public void Dispose() => NativeMemory.Free(_bytes);
}
