// A small program that uses the generated helpers: compiled with the generator, emitted, loaded and run in-process.
using System.IO;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace FioMem.Generators.Tests.Infrastructure;

/// <summary>
/// Compiles <see cref="Source"/> once per test class (xunit class fixture) into a collectible load context; FioMem
/// itself resolves to the test process's copy, so the program runs on the real allocator.
/// </summary>
public sealed class GeneratedProgram : IDisposable
{
    public const string Source = """
        using System;
        using FioMem;

        namespace Probe
        {
            [FioAllocated]
            public partial struct Particle { public float X, Y, VX, VY; public long Id; }

            public partial class Outer
            {
                [FioAllocated]
                internal partial struct @event { public int @int; public double Weight; }
            }

            [FioAllocated]
            public unsafe partial struct Huge { public fixed byte Data[1 << 26]; }

            public static unsafe class Scenarios
            {
                public static bool NewIsZeroedAndAligned()
                {
                    Particle* p = Particle.New();
                    bool zeroed = p->X == 0 && p->Y == 0 && p->VX == 0 && p->VY == 0 && p->Id == 0;
                    bool aligned = (nuint)p % 16 == 0;
                    Particle.Free(p);
                    return zeroed && aligned;
                }

                public static string RoundTrip(float x, long id)
                {
                    Particle* p = Particle.New();
                    p->X = x;
                    p->Id = id;
                    string seen = $"{p->X}/{p->Id}";
                    Particle.Free(p);
                    return seen;
                }

                public static string NestedKeywordRoundTrip(int value)
                {
                    Outer.@event* e = Outer.@event.New();
                    e->@int = value;
                    e->Weight = 0.5;
                    string seen = $"{e->@int}/{e->Weight}";
                    Outer.@event.Free(e);
                    return seen;
                }

                public static long ArraySum(int count)
                {
                    Span<Particle> batch = Particle.NewArray(count);
                    foreach (ref Particle p in batch)
                    {
                        if (p.Id != 0 || p.X != 0)
                            throw new InvalidOperationException("not zeroed");
                    }

                    for (int i = 0; i < batch.Length; i++)
                        batch[i].Id = i + 1;
                    long sum = 0;
                    foreach (Particle p in batch)
                        sum += p.Id;
                    Particle.FreeArray(batch);
                    return sum;
                }

                public static bool OwnedFreesOnce()
                {
                    FioOwned<Particle> owned = Particle.NewOwned();
                    owned.Value.X = 3;
                    bool wroteThrough = owned.Pointer->X == 3;
                    owned.Dispose();
                    owned.Dispose();
                    return wroteThrough && owned.IsDisposed && owned.Pointer == null;
                }

                public static void NewArrayNegative() => Particle.NewArray(-1);

                public static void NewArrayBeyondAddressSpace() => Huge.NewArray(int.MaxValue);

                public static string ParticleTypeName() => TypeName<Particle>();

                public static string NestedTypeName() => TypeName<Outer.@event>();

                private static string TypeName<T>() where T : unmanaged, IFioAllocated<T> => T.FioTypeName;
            }
        }
        """;

    private readonly AssemblyLoadContext _context = new("FioMem.Generators.Tests.GeneratedProgram", isCollectible: true);
    private readonly Type _scenarios;

    public GeneratedProgram()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([("Program.cs", Source)]));
        using MemoryStream image = new();
        EmitResult emitted = run.OutputCompilation.Emit(image);
        if (!emitted.Success)
            throw new InvalidOperationException(string.Join(Environment.NewLine, emitted.Diagnostics));
        image.Position = 0;
        _scenarios = _context.LoadFromStream(image).GetType("Probe.Scenarios", throwOnError: true)!;
    }

    /// <summary>Runs a scenario; an exception it throws is rethrown as is (not wrapped by reflection).</summary>
    public object? Invoke(string scenario, params object[] arguments)
    {
        try
        {
            return _scenarios.GetMethod(scenario, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public void Dispose() => _context.Unload();
}
