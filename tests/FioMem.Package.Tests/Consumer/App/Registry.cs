// Keeps a FioMem allocation in a static field: FIO001 must warn on the store.
using FioMem;

namespace Consumer;

internal static unsafe class Registry
{
    private static Particle* s_last;

    public static int Remember(int id)
    {
        Particle* particle = FioAlloc<Particle>.New();
        particle->Id = id;
        s_last = particle;
        return s_last->Id;
    }

    public static void Forget()
    {
        FioAlloc<Particle>.Free(s_last);
        s_last = null;
    }
}
