// The queue between a worker and the response writer: single producer, single consumer, bounded, lock-free.
using System.Threading;
using FioMem.Demo.Allocators;

namespace FioMem.Demo.Server;

/// <summary>
/// A bounded ring of responses from one worker to the writer. The worker waits (spinning, then yielding) when the
/// writer is <see cref="Capacity"/> responses behind: the back-pressure a socket gives a real server.
/// </summary>
public sealed class ResponseRing
{
    /// <summary>Responses a worker may have in flight.</summary>
    public const int Capacity = 256;

    private readonly DemoBuffer[] _items = new DemoBuffer[Capacity];
    private long _head;
    private long _tail;

    /// <summary>Adds a response, waiting while the ring is full. Worker thread only.</summary>
    public void Enqueue(DemoBuffer response)
    {
        long tail = _tail;
        var spinner = new SpinWait();
        while (tail - Volatile.Read(ref _head) >= Capacity) spinner.SpinOnce(sleep1Threshold: -1);
        _items[tail % Capacity] = response;
        Volatile.Write(ref _tail, tail + 1);
    }

    /// <summary>Moves up to <paramref name="into"/>.Length responses out; returns how many. Writer thread only.</summary>
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
