// The hand-over between a producer and a consumer thread: a small ring of rounds, each a table of pointers.
using System;
using System.Threading;

namespace FioMem.Benchmarks.Harness;

/// <summary>
/// A bounded single-producer/single-consumer ring of <see cref="PointerTable"/> rounds. The producer fills a free round
/// and publishes it; the consumer frees what it holds and hands the round back. Waiting spins and yields but never
/// sleeps, so a 1 ms timer tick is never measured as allocator time.
/// </summary>
public sealed unsafe class RoundHandoff : IDisposable
{
    private const int Empty = 0;
    private const int Full = 1;

    private readonly PointerTable[] _rounds;
    private readonly int[] _states;

    /// <summary>Creates a ring of <paramref name="depth"/> rounds of <paramref name="roundSize"/> pointers.</summary>
    public RoundHandoff(int depth, int roundSize)
    {
        _rounds = new PointerTable[depth];
        _states = new int[depth];
        for (int i = 0; i < depth; i++) _rounds[i] = new PointerTable(roundSize);
    }

    /// <summary>Waits until round <paramref name="sequence"/>'s slot is free and returns its table to fill.</summary>
    public void** AcquireForProducer(int sequence) => Acquire(sequence, Empty);

    /// <summary>Publishes round <paramref name="sequence"/> to the consumer.</summary>
    public void Publish(int sequence) => Volatile.Write(ref _states[sequence % _states.Length], Full);

    /// <summary>Waits until round <paramref name="sequence"/> is published and returns its table to free.</summary>
    public void** AcquireForConsumer(int sequence) => Acquire(sequence, Full);

    /// <summary>Hands round <paramref name="sequence"/>'s slot back to the producer.</summary>
    public void Release(int sequence) => Volatile.Write(ref _states[sequence % _states.Length], Empty);

    /// <summary>Releases the tables.</summary>
    public void Dispose()
    {
        foreach (PointerTable round in _rounds) round.Dispose();
    }

    private void** Acquire(int sequence, int wanted)
    {
        int slot = sequence % _states.Length;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _states[slot]) != wanted) spinner.SpinOnce(sleep1Threshold: -1);
        return _rounds[slot].Items;
    }
}
