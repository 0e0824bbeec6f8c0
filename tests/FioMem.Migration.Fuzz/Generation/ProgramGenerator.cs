// Composes random programs from the shape registries below. Adding a shape: write its class (Allocators.cs,
// Carriers.cs, OwnerCarriers.cs or Uses.cs) and add one line to the matching registry here.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace FioMem.Migration.Fuzz.Generation;

internal static class ProgramGenerator
{
    /// <summary>A registered shape: its weight, whether it needs Linux (libc, malloc-compatible Marshal), its factory.</summary>
    private sealed record Entry<T>(int Weight, bool LinuxOnly, Func<Random, Family, T> Create);

    // Allocators: each can allocate, reallocate and release memory of the family it is made for.
    private static readonly Entry<Allocator>[] s_allocators =
    [
        new(6, false, (r, fam) => new DirectAllocator(fam, r)),
        new(3, false, (r, fam) => new WrapperAllocator(fam, r)),
        new(2, false, (r, fam) => new GenericMethodAllocator(fam, r)),
        new(2, false, (r, fam) => new InterfaceAllocator(fam, r)),
        new(2, false, (r, fam) => new StaticAbstractAllocator(fam, r)),
        new(2, false, (r, fam) => new DelegateAllocator(fam, r)),
        new(2, false, (r, fam) => new FunctionPointerAllocator(fam, r)),
        new(1, false, (r, fam) => new ReflectionAllocator(fam)),
        new(2, true, (r, fam) => new LibcAllocator()),
        new(1, true, (r, fam) => new MarshalAllocator(r)),
    ];

    private static readonly Entry<Carrier>[] s_carriers =
    [
        new(4, false, (r, _) => new LocalCarrier(r)),
        new(2, false, (r, _) => new NintLocalCarrier(r)),
        new(2, false, (r, _) => new InstanceFieldCarrier(r)),
        new(2, false, (r, _) => new StaticFieldCarrier(r)),
        new(2, false, (r, _) => new StructFieldCarrier(r)),
        new(2, false, (r, _) => new PointerArrayCarrier(r)),
        new(2, false, (r, _) => new NintCollectionCarrier(r)),
        new(2, false, (r, _) => new RefLocalCarrier()),
        new(2, false, (r, _) => new RefFieldCarrier(r)),
        new(3, false, (r, _) => new SpanCarrier(r)),
        new(2, false, (r, _) => new ClosureCarrier(r)),
        new(2, false, (r, _) => new GenericBoxCarrier(r)),
        new(2, false, (r, _) => new OwnerCarrier(r)),
        new(2, false, (r, _) => new SafeHandleCarrier(r)),
        new(2, false, (r, _) => new GenericStateCarrier(r)),
    ];

    private static readonly Entry<Use>[] s_uses =
    [
        new(4, false, (r, _) => new FillLoopUse(r)),
        new(3, false, (r, _) => new FillBlockUse(r)),
        new(2, true, (r, _) => new MemsetUse(r)),
        new(1, true, (r, _) => new StrlenUse(r)),
        new(1, false, (r, _) => new TypedWriteUse(r)),
        new(2, false, (r, _) => new CopyHalfUse(r)),
        new(5, false, (r, _) => new ChecksumUse(r)),
        new(2, false, (r, _) => new HelperReadUse(r)),
    ];

    private static readonly int[] s_sizes = [1, 3, 8, 16, 24, 40, 64, 100, 256, 1000, 4096, 5000, 16384];

    /// <summary>Program <paramref name="index"/> of run <paramref name="seed"/>: the same pair always gives the same program.</summary>
    public static ProgramSpec Generate(int seed, int index, bool linux)
    {
        var random = new Random(unchecked(seed * 7919 + index * 104729 + 1));
        nuint alignment = (nuint)(8 << random.Next(5)); // 8 .. 128

        var allocators = new List<Allocator>();
        int allocatorCount = random.Next(1, 5);
        for (int i = 0; i < allocatorCount; i++)
        {
            var family = random.Next(4) == 0 ? Family.Aligned : Family.Plain;
            allocators.Add(Pick(s_allocators, random, linux, family));
        }

        var flows = ImmutableArray.CreateBuilder<FlowSpec>();
        int flowCount = random.Next(1, 5);
        for (int k = 0; k < flowCount; k++)
        {
            int alloc = random.Next(allocators.Count);
            var family = allocators[alloc].Family;
            // Marshal's memory goes back to Marshal only (on Windows it is not the C runtime's heap), and nothing else to it.
            bool marshal = allocators[alloc] is MarshalAllocator;
            var sameFamily = Enumerable.Range(0, allocators.Count)
                .Where(i => allocators[i].Family == family && (marshal ? i == alloc : allocators[i] is not MarshalAllocator)).ToArray();
            int Partner() => random.Next(2) == 0 ? alloc : sameFamily[random.Next(sameFamily.Length)];

            var stages = ImmutableArray.CreateBuilder<Stage>();
            stages.Add(new Stage(null, Size(random), Uses(random, linux)));
            int reallocations = random.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 };
            for (int s = 0; s < reallocations; s++)
                stages.Add(new Stage(Partner(), Size(random), Uses(random, linux)));

            int? free = random.Next(10) == 0 ? null : Partner();
            flows.Add(new FlowSpec(alloc, Pick(s_carriers, random, linux, family), stages.ToImmutable(), free));
        }

        return new ProgramSpec(seed, index, alignment, allocators.ToImmutableArray(), flows.ToImmutable()).WithoutUnusedAllocators();
    }

    private static int Size(Random random) => random.Next(25) == 0 ? 60000 : s_sizes[random.Next(s_sizes.Length)];

    private static ImmutableArray<Use> Uses(Random random, bool linux)
    {
        int count = random.Next(4);
        var uses = ImmutableArray.CreateBuilder<Use>();
        for (int i = 0; i < count; i++)
            uses.Add(Pick(s_uses, random, linux, Family.Plain));
        return uses.ToImmutable();
    }

    private static T Pick<T>(Entry<T>[] entries, Random random, bool linux, Family family)
    {
        var available = entries.Where(e => linux || !e.LinuxOnly).ToArray();
        // libc and Marshal allocate with malloc: plain memory only.
        if (typeof(T) == typeof(Allocator) && family == Family.Aligned)
            available = available.Where(e => !e.LinuxOnly).ToArray();
        int total = available.Sum(e => e.Weight);
        int roll = random.Next(total);
        foreach (var entry in available)
        {
            if ((roll -= entry.Weight) < 0)
                return entry.Create(random, family);
        }

        throw new InvalidOperationException("unreachable");
    }
}
