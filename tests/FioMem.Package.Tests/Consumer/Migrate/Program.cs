// A NativeMemory program that `dotnet format analyzers --diagnostics FIO003` migrates to FioMemory.
using System;
using System.Runtime.InteropServices;

unsafe
{
    int* squares = (int*)NativeMemory.Alloc(16, sizeof(int));
    for (int i = 0; i < 16; i++)
        squares[i] = i * i;

    squares = (int*)NativeMemory.Realloc(squares, 32 * sizeof(int));
    for (int i = 16; i < 32; i++)
        squares[i] = i * i;

    long sum = 0;
    for (int i = 0; i < 32; i++)
        sum += squares[i];
    NativeMemory.Free(squares);

    byte* zeroed = (byte*)NativeMemory.AllocZeroed(64);
    int nonZero = 0;
    for (int i = 0; i < 64; i++)
        nonZero += zeroed[i] == 0 ? 0 : 1;
    NativeMemory.Free(zeroed);

    Console.WriteLine($"sum of squares {sum}, non-zero bytes {nonZero}");
}
