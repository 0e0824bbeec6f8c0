// Random Alloc/Realloc/Free sequences checked against a reference model of what each allocation must hold.
using System;
using System.Collections.Generic;
using CsCheck;
using Xunit;

namespace FioMem.Tests;

public unsafe class ModelBasedTests
{
    private enum Kind { Alloc, AllocLongLived, Realloc, ReallocCopy, Free }

    private readonly record struct Step(Kind Kind, int Size, int Target, int CopyLength, byte Fill);

    private static readonly Gen<int> s_size = Gen.Frequency(
        (8, Gen.Int[0, 512]), (3, Gen.Int[513, 8192]), (1, Gen.Int[40_000, 200_000]));

    private static readonly Gen<Step> s_step =
        Gen.Select(Gen.Enum<Kind>(), s_size, Gen.Int[0, 1000], Gen.Int[0, 300], Gen.Byte[1, 255],
            (kind, size, target, copy, fill) => new Step(kind, size, target, copy, fill));

    [Fact]
    public void Alloc_realloc_free_sequences_match_the_model()
    {
        s_step.Array[1, 120].Sample(steps =>
        {
            // The model: for every live allocation, its size and the bytes it must hold.
            var live = new List<(nint Address, byte[] Expected)>();
            try
            {
                foreach (Step step in steps)
                {
                    switch (step.Kind)
                    {
                        case Kind.Alloc or Kind.AllocLongLived:
                        {
                            byte* p = (byte*)(step.Kind == Kind.Alloc ? FioMemory.Alloc((nuint)step.Size) : FioMemory.AllocLongLived((nuint)step.Size));
                            if (new ReadOnlySpan<byte>(p, step.Size).IndexOfAnyExcept((byte)0) >= 0) return false;
                            new Span<byte>(p, step.Size).Fill(step.Fill);
                            var expected = new byte[step.Size];
                            Array.Fill(expected, step.Fill);
                            live.Add(((nint)p, expected));
                            break;
                        }
                        case Kind.Realloc or Kind.ReallocCopy when live.Count > 0:
                        {
                            int index = step.Target % live.Count;
                            (nint address, byte[] old) = live[index];
                            int keep = Math.Min(old.Length, step.Size);
                            byte* q;
                            if (step.Kind == Kind.ReallocCopy)
                            {
                                keep = Math.Min(keep, step.CopyLength);
                                q = (byte*)FioMemory.Realloc((void*)address, (nuint)step.Size, (nuint)step.CopyLength);
                            }
                            else
                            {
                                q = (byte*)FioMemory.Realloc((void*)address, (nuint)step.Size);
                            }
                            var expected = new byte[step.Size];
                            old.AsSpan(0, keep).CopyTo(expected);
                            if (!new ReadOnlySpan<byte>(q, step.Size).SequenceEqual(expected)) return false;
                            live[index] = ((nint)q, expected);
                            break;
                        }
                        case Kind.Free when live.Count > 0:
                        {
                            int index = step.Target % live.Count;
                            (nint address, byte[] expected) = live[index];
                            if (!new ReadOnlySpan<byte>((void*)address, expected.Length).SequenceEqual(expected)) return false;
                            FioMemory.Free((void*)address);
                            live.RemoveAt(index);
                            break;
                        }
                    }
                }
                foreach ((nint address, byte[] expected) in live)
                    if (!new ReadOnlySpan<byte>((void*)address, expected.Length).SequenceEqual(expected)) return false;
                return true;
            }
            finally
            {
                foreach ((nint address, _) in live)
                    FioMemory.Free((void*)address);
            }
        }, iter: 400);
    }
}
