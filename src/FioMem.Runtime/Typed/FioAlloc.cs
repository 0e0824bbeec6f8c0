// Typed allocation of [FioAllocated] structs: no casts, no sizeof arithmetic.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FioMem;

/// <summary>
/// Typed FioMem allocation of a <see cref="FioAllocatedAttribute"/> struct: zeroed, 16-byte aligned, freed with
/// <see cref="Free(T*)"/> or <see cref="FreeArray(Span{T})"/> on any thread.
/// </summary>
/// <typeparam name="T">A struct marked <see cref="FioAllocatedAttribute"/>.</typeparam>
public static unsafe class FioAlloc<T> where T : unmanaged, IFioAllocated<T>
{
    /// <summary>Allocates one zeroed <typeparamref name="T"/>.</summary>
    /// <returns>A pointer to it; release it with <see cref="Free(T*)"/>.</returns>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T* New() => Typed((T*)FioMemory.Alloc((nuint)sizeof(T)));

    /// <summary>Allocates <paramref name="count"/> zeroed elements.</summary>
    /// <param name="count">How many elements; zero gives an empty span that may still be freed.</param>
    /// <returns>The elements; release them with <see cref="FreeArray(Span{T})"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="OutOfMemoryException">The size overflows or the memory could not be allocated.</exception>
    public static Span<T> NewArray(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new Span<T>(Typed((T*)FioMemory.Alloc((nuint)count, (nuint)sizeof(T))), count);
    }

    /// <summary>Allocates one zeroed <typeparamref name="T"/> from <paramref name="heap"/>, released with the heap.</summary>
    /// <param name="heap">The heap; the calling thread must be the one that created it.</param>
    /// <returns>A pointer to it; it lives until the heap is reset or disposed (or <see cref="Free(T*)"/> releases it early).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="heap"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The calling thread is not the heap's.</exception>
    /// <exception cref="ObjectDisposedException">The heap is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T* New(FioHeap heap)
    {
        ArgumentNullException.ThrowIfNull(heap);
        return Typed((T*)heap.Alloc((nuint)sizeof(T)));
    }

    /// <summary>Allocates <paramref name="count"/> zeroed elements from <paramref name="heap"/>, released with the heap.</summary>
    /// <param name="heap">The heap; the calling thread must be the one that created it.</param>
    /// <param name="count">How many elements.</param>
    /// <returns>The elements; they live until the heap is reset or disposed (or <see cref="FreeArray(Span{T})"/> releases them early).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="heap"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The calling thread is not the heap's.</exception>
    /// <exception cref="ObjectDisposedException">The heap is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The size overflows or the memory could not be allocated.</exception>
    public static Span<T> NewArray(FioHeap heap, int count)
    {
        ArgumentNullException.ThrowIfNull(heap);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new Span<T>(Typed((T*)heap.Alloc((nuint)count, (nuint)sizeof(T))), count);
    }

    /// <summary>Allocates one zeroed <typeparamref name="T"/> owned by a <see cref="FioOwned{T}"/> that frees it on dispose.</summary>
    /// <returns>The owner.</returns>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated.</exception>
    public static FioOwned<T> NewOwned() => new(New());

    /// <summary>Frees a <typeparamref name="T"/> from <see cref="New()"/>; <see langword="null"/> does nothing.</summary>
    /// <param name="value">The pointer to free.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a live FioMem allocation.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(T* value) => FioMemory.Free(value);

    /// <summary>Frees elements from <see cref="NewArray(int)"/> or <see cref="Resize(Span{T}, int)"/>; an empty default span does nothing.</summary>
    /// <param name="array">The span that <see cref="NewArray(int)"/> returned.</param>
    /// <exception cref="ArgumentException">The span does not start at a live FioMem allocation.</exception>
    public static void FreeArray(Span<T> array) => FioMemory.Free(Unsafe.AsPointer(ref MemoryMarshal.GetReference(array)));

    /// <summary>Resizes elements from <see cref="NewArray(int)"/>, keeping the first min(old, new) elements; new ones are zero.</summary>
    /// <param name="array">The span that <see cref="NewArray(int)"/> or an earlier resize returned.</param>
    /// <param name="newCount">The new number of elements.</param>
    /// <returns>The resized elements; <paramref name="array"/> is no longer valid.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newCount"/> is negative.</exception>
    /// <exception cref="OutOfMemoryException">The memory could not be allocated; <paramref name="array"/> stays valid.</exception>
    public static Span<T> Resize(Span<T> array, int newCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newCount);
        nuint bytes = FioMemory.CheckedProduct((nuint)newCount, (nuint)sizeof(T));
        void* old = Unsafe.AsPointer(ref MemoryMarshal.GetReference(array));
        nuint keep = (nuint)Math.Min(array.Length, newCount) * (nuint)sizeof(T);
        return new Span<T>(Typed((T*)FioMemory.Realloc(old, bytes, keep)), newCount);
    }

    /// <summary>Checked mode remembers the type of each typed allocation, so pinned blocks can be reported by type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T* Typed(T* value)
    {
        if (FioMemoryOptions.Checked)
            CheckedMode.RecordType(value, T.FioTypeName);
        return value;
    }
}
