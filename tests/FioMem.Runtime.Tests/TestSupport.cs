// Helpers shared by the allocator tests.
using System;
using Xunit;

namespace FioMem.Tests;

/// <summary>Tests that read global figures (reserved bytes, pooled blocks) run alone, not beside other allocating tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Allocator figures (serial)";
}

internal static unsafe class Bytes
{
    public static void Fill(void* p, nuint length, byte value) => new Span<byte>(p, checked((int)length)).Fill(value);

    public static bool All(void* p, nuint length, byte value) =>
        new ReadOnlySpan<byte>(p, checked((int)length)).IndexOfAnyExcept(value) < 0;

    public static void AssertAll(void* p, nuint length, byte value)
    {
        int index = new ReadOnlySpan<byte>(p, checked((int)length)).IndexOfAnyExcept(value);
        Assert.True(index < 0, $"byte {index} of 0x{(nuint)p:X} is 0x{(index < 0 ? 0 : ((byte*)p)[index]):X2}, expected 0x{value:X2}");
    }
}
