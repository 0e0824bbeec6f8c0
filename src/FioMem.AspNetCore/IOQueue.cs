// A PipeScheduler that runs its work items in batches on the thread pool: one queued item per burst, not per write.
using System;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Threading;

namespace FioMem.AspNetCore;

/// <summary>
/// Runs scheduled pipe continuations on the thread pool in order, several per thread-pool work item: under load, many
/// connections' sends share one dispatch. The transport spreads its connections over
/// <c>SocketTransportOptions.IOQueueCount</c> queues.
/// </summary>
internal sealed class IOQueue : PipeScheduler, IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<(Action<object?> Action, object? State)> _work = new();

    /// <summary>1 while a work item is queued or running; guards against queuing a second one.</summary>
    private int _scheduled;

    /// <inheritdoc/>
    public override void Schedule(Action<object?> action, object? state)
    {
        _work.Enqueue((action, state));
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            while (_work.TryDequeue(out (Action<object?> Action, object? State) item))
                item.Action(item.State);
            Volatile.Write(ref _scheduled, 0);
            // Work queued after the last dequeue but before the flag cleared would otherwise wait for the next Schedule.
            if (_work.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                return;
        }
    }
}
