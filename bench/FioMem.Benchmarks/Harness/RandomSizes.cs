// The precomputed allocation sizes: drawn once from a fixed seed so every peer and every run sees the same sequence.
using System;

namespace FioMem.Benchmarks.Harness;

/// <summary>Deterministic tables of allocation sizes.</summary>
public static class RandomSizes
{
    /// <summary>The seed of every table, so runs and peers are comparable.</summary>
    public const int Seed = 20181128;

    /// <summary><paramref name="count"/> sizes drawn uniformly from <paramref name="min"/>..<paramref name="max"/> bytes (inclusive).</summary>
    public static nuint[] Uniform(int count, int min, int max, int seed = Seed)
    {
        // Random(int) is the legacy seeded generator: its sequence is fixed across .NET versions.
        var random = new Random(seed);
        var sizes = new nuint[count];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = (nuint)random.Next(min, max + 1);
        return sizes;
    }
}
