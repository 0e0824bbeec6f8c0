// An owner that frees one FioMem-allocated value exactly once.
using System;
using System.Threading;

namespace FioMem;

/// <summary>
/// Owns one <typeparamref name="T"/> allocated by <see cref="FioAlloc{T}.NewOwned"/> and frees it on
/// <see cref="Dispose"/>; a second <see cref="Dispose"/> does nothing. Use it in a <see langword="using"/> and do not
/// copy it: copies share the pointer.
/// </summary>
/// <typeparam name="T">A struct marked <see cref="FioAllocatedAttribute"/>.</typeparam>
public unsafe struct FioOwned<T> : IDisposable where T : unmanaged, IFioAllocated<T>
{
    // Kept as an address so Dispose can clear it atomically.
    private nint _address;

    internal FioOwned(T* value) => _address = (nint)value;

    /// <summary>The owned value, by reference.</summary>
    /// <exception cref="ObjectDisposedException">The owner was disposed.</exception>
    public readonly ref T Value
    {
        get
        {
            T* value = (T*)_address;
            ObjectDisposedException.ThrowIf(value == null, typeof(FioOwned<T>));
            return ref *value;
        }
    }

    /// <summary>The owned pointer, or <see langword="null"/> once disposed.</summary>
    public readonly T* Pointer => (T*)_address;

    /// <summary>Whether the value has been freed.</summary>
    public readonly bool IsDisposed => _address == 0;

    /// <summary>Frees the value; later calls do nothing.</summary>
    public void Dispose()
    {
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address != 0)
            FioMemory.Free((void*)address);
    }
}
