// Throw sites kept out of the fast paths so those stay small enough to inline. Not marked NoInlining: the JIT never
// inlines a method that only throws, and it then knows the call does not return, so a fast path keeps no value alive
// across it (with NoInlining, the free path spilled two locals to the stack and reloaded them on every call).
using System;
using System.Diagnostics.CodeAnalysis;

namespace FioMem;

internal static unsafe class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowProductOverflow(nuint count, nuint size) =>
        throw new OutOfMemoryException($"FioMem: {count} elements of {size} bytes overflow the address space.");

    [DoesNotReturn]
    public static void ThrowOutOfMemory(nuint byteCount) =>
        throw new OutOfMemoryException($"FioMem could not allocate {byteCount} bytes.");

    [DoesNotReturn]
    public static void ThrowBlocksExhausted(nuint byteCount) =>
        throw new OutOfMemoryException(
            $"FioMem could not allocate {byteCount} bytes: every block is in use and no new block could be had (the " +
            $"{FioMemoryOptions.ReserveBytes} bytes of address space reserved for blocks, FioMem.ReserveBytes, are taken, or the system refused to commit memory).");

    [DoesNotReturn]
    public static void ThrowAlignmentNotPowerOfTwo(nuint alignment) =>
        throw new ArgumentException($"The alignment must be a power of two; got {alignment}.", nameof(alignment));

    [DoesNotReturn]
    public static void ThrowNeverHandedOut(void* ptr, void* block, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} lies in FioMem block 0x{(nuint)block:X} at the end of the block's latest allocation, where nothing was handed out (a pointer one past an allocation, or the block's latest allocation after it was freed).",
            parameterName);

    [DoesNotReturn]
    public static void ThrowNoLiveAllocation(void* ptr, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} lies in FioMem's blocks but is not the start of a live allocation: it is not on a slice boundary, it lies in a block's header, or its block holds no allocations (already freed).",
            parameterName);

    [DoesNotReturn]
    public static void ThrowStackPointer(void* ptr, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} lies on the calling thread's stack: no allocator handed it out, so neither FioMem nor NativeMemory can release it.",
            parameterName);

    [DoesNotReturn]
    public static void ThrowMisalignedForeign(void* ptr, nuint alignment, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} is not FioMem's and is not aligned on {alignment} bytes, as every NativeMemory allocation it could have come from is: no allocator handed it out (an interior pointer?).",
            parameterName);

    [DoesNotReturn]
    public static void ThrowInsideLargeAllocation(void* ptr, nuint start, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} lies inside FioMem's large allocation at 0x{start:X} but is not its start (an interior pointer).",
            parameterName);

    [DoesNotReturn]
    public static void ThrowUnmapped(void* ptr, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} is not FioMem's and no memory is mapped there, so no allocator holds it: a FioMem large allocation freed a second time, or a pointer to memory already given back.",
            parameterName);

    [DoesNotReturn]
    public static void ThrowNotAnAllocationStart(void* ptr, void* block, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} lies inside FioMem block 0x{(nuint)block:X} but is not the start of an allocation (an interior pointer).",
            parameterName);

    [DoesNotReturn]
    public static void ThrowDoubleFree(void* ptr, void* block, string? parameterName = "ptr") =>
        throw new ArgumentException(
            $"The pointer 0x{(nuint)ptr:X} in FioMem block 0x{(nuint)block:X} is not a live allocation: it was already freed (double free), or it lies in slices skipped to align the next allocation.",
            parameterName);

    [DoesNotReturn]
    public static void ThrowOverFreed(void* block) =>
        throw new InvalidOperationException(
            $"FioMem block 0x{(nuint)block:X} had more frees than allocations: an allocation in it was freed twice at the same moment, on the thread that allocated it and on another. The block is kept out of use.");

    public static InvalidOperationException WriteAfterFree(void* address, void* block) =>
        new InvalidOperationException(
            $"FioMem checked mode: memory at 0x{(nuint)address:X} in block 0x{(nuint)block:X} was written after it was freed. The block has been recycled; the write happened through a dangling pointer.");
}
