// Which members the generator adds to a [FioAllocated] struct.
using System;

namespace FioMem.Generators.Models;

/// <summary>
/// The members to emit. A shorthand whose name the user's struct already uses (or which would be named like the
/// struct itself) is left out, so the generated part never collides with hand-written code.
/// </summary>
[Flags]
internal enum ShorthandMembers
{
    /// <summary>Nothing beyond the interface.</summary>
    None = 0,

    /// <summary>The explicit <c>IFioAllocated&lt;T&gt;</c> implementation (left out when the user wrote one).</summary>
    Interface = 1 << 0,

    /// <summary><c>static T* New()</c> and <c>static T* New(FioHeap)</c>.</summary>
    New = 1 << 1,

    /// <summary><c>static Span&lt;T&gt; NewArray(int)</c> and <c>NewArray(FioHeap, int)</c>.</summary>
    NewArray = 1 << 2,

    /// <summary><c>static FioOwned&lt;T&gt; NewOwned()</c>.</summary>
    NewOwned = 1 << 3,

    /// <summary><c>static void Free(T*)</c>.</summary>
    Free = 1 << 4,

    /// <summary><c>static void FreeArray(Span&lt;T&gt;)</c>.</summary>
    FreeArray = 1 << 5,
}
