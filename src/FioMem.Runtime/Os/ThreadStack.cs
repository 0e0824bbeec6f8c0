// The calling thread's stack bounds, read once per thread on the slow path that needs them.
using System;
using System.Runtime.InteropServices;

namespace FioMem.Os;

/// <summary>
/// Where the calling thread's stack lies, so a pointer into it is told apart from memory some allocator handed out.
/// Read from the system the first time a thread asks and kept for the thread: Windows'
/// <c>GetCurrentThreadStackLimits</c>, <c>pthread_getattr_np</c> with <c>pthread_attr_getstack</c> on Linux (glibc
/// and musl), <c>pthread_get_stackaddr_np</c> with <c>pthread_get_stacksize_np</c> on macOS. Where none is found, or
/// the call fails, the range is empty: no pointer is then taken for a stack pointer.
/// </summary>
internal static unsafe class ThreadStack
{
#pragma warning disable IDE1006 // [ThreadStatic]: t_, not s_
    [ThreadStatic] private static bool t_read;
    [ThreadStatic] private static nuint t_low;
    [ThreadStatic] private static nuint t_high;
#pragma warning restore IDE1006

    private static readonly delegate* unmanaged<nint> s_pthreadSelf;
    private static readonly delegate* unmanaged<nint, void*, int> s_getAttr;
    private static readonly delegate* unmanaged<void*, void**, nuint*, int> s_attrGetStack;
    private static readonly delegate* unmanaged<void*, int> s_attrDestroy;
    private static readonly delegate* unmanaged<nint, void*> s_stackAddr;
    private static readonly delegate* unmanaged<nint, nuint> s_stackSize;

    /// <summary>Room for a <c>pthread_attr_t</c>: 56 or 64 bytes on glibc and musl, 36 on 32-bit systems.</summary>
    private const int AttrBytes = 256;

    static ThreadStack()
    {
        if (OperatingSystem.IsWindows() || !UnixMemory.IsAvailable)
            return;
        nint lib = UnixMemory.Library;
        if (!NativeLibrary.TryGetExport(lib, "pthread_self", out nint self))
            return;
        if (OperatingSystem.IsLinux())
        {
            // glibc before 2.34 keeps the pthread functions in libpthread.
            if (!TryFindLinux(lib, out nint getAttr, out nint getStack, out nint destroy)
                && !(NativeLibrary.TryLoad("libpthread.so.0", out nint pthread) && TryFindLinux(pthread, out getAttr, out getStack, out destroy)))
                return;
            s_getAttr = (delegate* unmanaged<nint, void*, int>)getAttr;
            s_attrGetStack = (delegate* unmanaged<void*, void**, nuint*, int>)getStack;
            s_attrDestroy = (delegate* unmanaged<void*, int>)destroy;
        }
        else if (NativeLibrary.TryGetExport(lib, "pthread_get_stackaddr_np", out nint addr)
            && NativeLibrary.TryGetExport(lib, "pthread_get_stacksize_np", out nint size))
        {
            s_stackAddr = (delegate* unmanaged<nint, void*>)addr;
            s_stackSize = (delegate* unmanaged<nint, nuint>)size;
        }
        else
        {
            return;
        }
        s_pthreadSelf = (delegate* unmanaged<nint>)self;
    }

    private static bool TryFindLinux(nint lib, out nint getAttr, out nint getStack, out nint destroy)
    {
        getStack = destroy = 0;
        return NativeLibrary.TryGetExport(lib, "pthread_getattr_np", out getAttr)
            && NativeLibrary.TryGetExport(lib, "pthread_attr_getstack", out getStack)
            && NativeLibrary.TryGetExport(lib, "pthread_attr_destroy", out destroy);
    }

    /// <summary>Whether <paramref name="ptr"/> lies in the calling thread's stack.</summary>
    public static bool Contains(void* ptr)
    {
        if (!t_read)
        {
            Read(out t_low, out t_high);
            t_read = true;
        }
        return (nuint)ptr - t_low < t_high - t_low;
    }

    /// <summary>The calling thread's stack, [low, high); an empty range when it cannot be read.</summary>
    private static void Read(out nuint low, out nuint high)
    {
        low = high = 0;
        if (OperatingSystem.IsWindows())
        {
            WindowsMemory.GetStackLimits(out low, out high);
            return;
        }
        if (s_pthreadSelf == null)
            return;
        nint self = s_pthreadSelf();
        if (s_getAttr != null)
        {
            byte* attr = stackalloc byte[AttrBytes];
            if (s_getAttr(self, attr) != 0)
                return;
            void* stack;
            nuint size;
            if (s_attrGetStack(attr, &stack, &size) == 0)
            {
                low = (nuint)stack;
                high = low + size;
            }
            s_attrDestroy(attr);
        }
        else if (s_stackAddr != null)
        {
            // macOS gives the top of the stack (its highest address) and the size below it.
            high = (nuint)s_stackAddr(self);
            low = high - s_stackSize(self);
        }
    }
}
