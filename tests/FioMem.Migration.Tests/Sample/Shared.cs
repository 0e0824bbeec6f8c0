// Shapes real code keeps its memory in: an atomic take-and-clear in Dispose, a buffer sliced back into its own field,
// and a helper that only reads what every caller passes it, stack memory included.
using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Sample;

internal sealed unsafe class Handle : IDisposable
{
    private IntPtr _ptr = (IntPtr)NativeMemory.AllocZeroed(32);

    public int Fill()
    {
        var p = (byte*)_ptr;
        for (int i = 0; i < 32; i++)
            p[i] = (byte)i;
        return Sum.Of(p, 32);
    }

    public void Dispose()
    {
        var ptr = Interlocked.Exchange(ref _ptr, IntPtr.Zero);
        NativeMemory.Free((void*)ptr);
    }
}

internal sealed unsafe class Clip : IDisposable
{
    private IntPtr _data;
    private bool _owns;
    private int _length;

    public int Total => Sum.Of((byte*)_data, _length);

    public void SetData(ReadOnlySpan<byte> span)
    {
        _owns = true;
        _data = (nint)NativeMemory.Realloc((void*)_data, (nuint)span.Length);
        _length = span.Length;
        span.CopyTo(new Span<byte>((void*)_data, _length));
    }

    public void SetDataPointer(IntPtr data, int length, bool owns)
    {
        if (_owns)
            NativeMemory.Free((void*)_data);
        _owns = owns;
        _data = data;
        _length = length;
    }

    public Clip Slice(int offset)
    {
        var slice = new Clip();
        slice.SetDataPointer(_data + offset, _length - offset, false);
        return slice;
    }

    public void Dispose()
    {
        if (_owns)
            NativeMemory.Free((void*)_data);
        _owns = false;
    }
}

internal static unsafe class Sum
{
    public static int Of(byte* p, int n)
    {
        int sum = 0;
        for (int i = 0; i < n; i++)
            sum += p[i];
        return sum;
    }
}

internal static unsafe class Shared
{
    public static string Run()
    {
        byte* stack = stackalloc byte[4];
        for (int i = 0; i < 4; i++)
            stack[i] = 2;

        using var handle = new Handle();
        using var clip = new Clip();
        clip.SetData(new byte[] { 1, 2, 3, 4, 5, 6 });
        using var tail = clip.Slice(4);
        return handle.Fill() + "/" + clip.Total + "/" + tail.Total + "/" + Sum.Of(stack, 4);
    }
}
