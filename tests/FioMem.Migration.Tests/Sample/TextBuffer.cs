// A growable buffer whose memory lives in a private field: allocated in the constructor, freed in Dispose.
using System;
using System.Runtime.InteropServices;

namespace Sample;

internal sealed unsafe class TextBuffer : IDisposable
{
    private char* _chars;
    private int _length;
    private int _capacity;

    public TextBuffer(int capacity)
    {
        _capacity = capacity;
        _chars = (char*)NativeMemory.Alloc((nuint)capacity, sizeof(char));
    }

    public void Append(string text)
    {
        if (_length + text.Length > _capacity)
        {
            _capacity = Math.Max(_capacity * 2, _length + text.Length);
            _chars = (char*)NativeMemory.Realloc(_chars, (nuint)(_capacity * sizeof(char)));
        }

        text.AsSpan().CopyTo(new Span<char>(_chars + _length, text.Length));
        _length += text.Length;
    }

    public override string ToString() => new string(_chars, 0, _length);

    public void Dispose()
    {
        NativeMemory.Free(_chars);
        _chars = null;
    }
}
