// The consumer's program: typed allocation through the generated code, printed so the test can check it ran.
using System;
using System.Reflection;
using Consumer;
using FioMem;

unsafe
{
    Particle* particle = FioAlloc<Particle>.New();
    particle->Id = 7;
    particle->X = 3;
    particle->Y = 4;
    Console.WriteLine($"particle {particle->Id} at ({particle->X}, {particle->Y}), aligned {((nuint)particle % FioMemory.Alignment) == 0}");
    FioAlloc<Particle>.Free(particle);

    Span<Particle> many = Particle.NewArray(100);
    int sum = 0;
    for (int i = 0; i < many.Length; i++)
    {
        many[i].Id = i;
        sum += many[i].Id;
    }
    Console.WriteLine($"array of {many.Length}, id sum {sum}");
    Particle.FreeArray(many);

    using (FioOwned<Particle> owned = Particle.NewOwned())
        Console.WriteLine($"owned zeroed {owned.Pointer->Id == 0}");

    Console.WriteLine($"type name {NameOf<Particle>()}");
    Console.WriteLine($"registry {Registry.Remember(42)}");
    Registry.Forget();
    Console.WriteLine($"native squares {NativeBuffers.SumOfSquares(100)}, handed to native code {NativeBuffers.HandToNative()}");
    if (Array.IndexOf(args, "--allocator") >= 0)
        Console.WriteLine($"NativeMemory served by FioMem {NativeBuffers.ServedByFioMem()}");
    Console.WriteLine("FioMem " + typeof(FioMemory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion);
}

static string NameOf<T>() where T : unmanaged, IFioAllocated<T> => T.FioTypeName;
