// Shapes from an audio/graphics engine: a private array of pointers filled and freed inside the type, a field reset
// with IntPtr.Zero, a helper that returns NativeMemory memory its callers free, and a local descriptor struct holding a
// buffer that is only passed to a call.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Sample;

internal unsafe struct UploadInfo
{
    public byte* Data;
    public int Size;
}

internal sealed unsafe class Voices : IDisposable
{
    private readonly IntPtr[] AudioBuffers = new IntPtr[3];
    private IntPtr BufferDataPtr;

    public Voices()
    {
        for (int i = 0; i < AudioBuffers.Length; i++)
        {
            AudioBuffers[i] = (IntPtr)NativeMemory.Alloc(64);
            ((byte*)AudioBuffers[i])[0] = (byte)(i + 1);
        }

        BufferDataPtr = (IntPtr)Mem.Alloc(16);
    }

    public int Mix()
    {
        int sum = 0;
        foreach (var buffer in AudioBuffers)
            sum += ((byte*)buffer)[0];
        return sum;
    }

    public static int Measure(string text)
    {
        byte* utf8 = EncodeToUTF8Buffer(text);
        int length = 0;
        while (utf8[length] != 0)
            length++;
        NativeMemory.Free(utf8);
        return length;
    }

    public static int Upload(int size)
    {
        byte* data = (byte*)NativeMemory.Alloc((nuint)size);
        for (int i = 0; i < size; i++)
            data[i] = 1;
        var info = new UploadInfo { Data = data, Size = size };
        int sent = Submit(&info);
        NativeMemory.Free(data);
        return sent;
    }

    public void Dispose()
    {
        for (int i = 0; i < AudioBuffers.Length; i++)
            NativeMemory.Free((void*)AudioBuffers[i]);
        Mem.Free((void*)BufferDataPtr);
        BufferDataPtr = IntPtr.Zero;
    }

    private static byte* EncodeToUTF8Buffer(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text) + 1;
        byte* buffer = (byte*)NativeMemory.AllocZeroed((nuint)length);
        fixed (char* chars = text)
            Encoding.UTF8.GetBytes(chars, text.Length, buffer, length);
        return buffer;
    }

    private static int Submit(UploadInfo* info)
    {
        int sum = 0;
        for (int i = 0; i < info->Size; i++)
            sum += info->Data[i];
        return sum;
    }
}
