// A fixed set of threads that run one piece of work together: started once per benchmark, so thread start is never timed.
using System;
using System.Threading;

namespace FioMem.Benchmarks.Harness;

/// <summary>
/// <see cref="Workers"/> threads that run <c>work(index)</c> together on each <see cref="Run"/>. The calling thread is
/// worker 0, so a one-worker gang runs on the caller alone. The threads live until <see cref="Dispose"/>: a benchmark
/// creates its gang in <c>[GlobalSetup]</c> and only the work and two barrier phases fall inside the timed region.
/// </summary>
public sealed class WorkerGang : IDisposable
{
    private readonly Barrier _barrier;
    private readonly Thread[] _threads;
    private Action<int>? _work;
    private Exception? _failure;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="workers"/> − 1 threads; the caller of <see cref="Run"/> is the last worker.</summary>
    public WorkerGang(int workers, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Workers = workers;
        _barrier = new Barrier(workers);
        _threads = new Thread[workers - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int index = i + 1;
            _threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"{name} worker {index}" };
            _threads[i].Start();
        }
    }

    /// <summary>How many threads run the work, the caller included.</summary>
    public int Workers { get; }

    /// <summary>Runs <paramref name="work"/> on every worker and returns when all have finished.</summary>
    /// <exception cref="AggregateException">A worker threw; the first exception is inside.</exception>
    public void Run(Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _work = work;
        _barrier.SignalAndWait();
        RunOne(0);
        _barrier.SignalAndWait();
        if (Interlocked.Exchange(ref _failure, null) is { } failure)
            throw new AggregateException("A benchmark worker failed.", failure);
    }

    /// <summary>Stops the threads and waits for them to exit.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _barrier.SignalAndWait();
        foreach (Thread thread in _threads) thread.Join();
        _barrier.Dispose();
    }

    private void Loop(int index)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping) return;
            RunOne(index);
            _barrier.SignalAndWait();
        }
    }

    private void RunOne(int index)
    {
        try
        {
            _work!(index);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
        }
    }
}
