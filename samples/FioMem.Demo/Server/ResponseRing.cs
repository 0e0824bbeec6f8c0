// The queue between a worker and the next one, which checks and frees its responses: single producer, single consumer, bounded, lock-free.
using System.Threading;
using FioMem.Demo.Allocators;

namespace FioMem.Demo.Server;

/// <summary>
/// A bounded ring of responses from one worker (the producer) to the worker that frees them (the consumer). A full
/// ring is the back-pressure a socket gives a real server: the producer frees what it was sent meanwhile and tries
/// again. With one worker, producer and consumer are the same thread.
/// </summary>
public sealed class ResponseRing
{
    /// <summary>Responses a worker may have in flight.</summary>
    public const int Capacity = 256;

    private readonly DemoBuffer[] _items = new DemoBuffer[Capacity];
    private long _head;
    private long _tail;
    private int _completed;

    /// <summary>Whether the producer has sent its last response (see <see cref="Complete"/>).</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Whether no response is waiting.</summary>
    public bool IsEmpty => Volatile.Read(ref _tail) == Volatile.Read(ref _head);

    /// <summary>Adds a response unless the ring is full; returns whether it did. Producer only.</summary>
    public bool TryEnqueue(DemoBuffer response)
    {
        long tail = _tail;
        if (tail - Volatile.Read(ref _head) >= Capacity) return false;
        _items[tail % Capacity] = response;
        Volatile.Write(ref _tail, tail + 1);
        return true;
    }

    /// <summary>Says that no response follows. Producer only, after its last <see cref="TryEnqueue"/>.</summary>
    public void Complete() => Volatile.Write(ref _completed, 1);

    /// <summary>Moves up to <paramref name="into"/>.Length responses out; returns how many. Consumer only.</summary>
    public int DequeueBatch(DemoBuffer[] into)
    {
        long head = _head;
        int count = (int)System.Math.Min(Volatile.Read(ref _tail) - head, into.Length);
        for (int i = 0; i < count; i++)
        {
            long slot = (head + i) % Capacity;
            into[i] = _items[slot];
            _items[slot] = default;
        }

        Volatile.Write(ref _head, head + count);
        return count;
    }
}
