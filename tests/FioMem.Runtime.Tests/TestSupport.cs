// Helpers shared by the allocator tests.
using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

/// <summary>Tests that read global figures (reserved bytes, pooled blocks) run alone, not beside other allocating tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Allocator figures (serial)";
}

internal static unsafe class Bytes
{
    public static void Fill(void* p, nuint length, byte value) => new Span<byte>(p, checked((int)length)).Fill(value);

    public static bool All(void* p, nuint length, byte value) =>
        new ReadOnlySpan<byte>(p, checked((int)length)).IndexOfAnyExcept(value) < 0;

    public static void AssertAll(void* p, nuint length, byte value)
    {
        int index = new ReadOnlySpan<byte>(p, checked((int)length)).IndexOfAnyExcept(value);
        Assert.True(index < 0, $"byte {index} of 0x{(nuint)p:X} is 0x{(index < 0 ? 0 : ((byte*)p)[index]):X2}, expected 0x{value:X2}");
    }
}

/// <summary>A thread that stays alive between steps: each <see cref="Run"/> runs one step on it and waits for it.</summary>
internal sealed class ParkedThread : IDisposable
{
    private readonly BlockingCollection<Action> _steps = new();
    private readonly Thread _thread;
    private ExceptionDispatchInfo? _failure;

    public ParkedThread()
    {
        _thread = new Thread(() =>
        {
            foreach (Action step in _steps.GetConsumingEnumerable())
                step();
        });
        _thread.Start();
    }

    public void Run(Action step)
    {
        using var done = new ManualResetEventSlim();
        _steps.Add(() =>
        {
            try
            {
                step();
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            done.Set();
        });
        done.Wait();
        Interlocked.Exchange(ref _failure, null)?.Throw();
    }

    public void Dispose()
    {
        _steps.CompleteAdding();
        _thread.Join();
        _steps.Dispose();
    }
}
