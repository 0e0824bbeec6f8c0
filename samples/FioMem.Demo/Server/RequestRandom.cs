// The deterministic random source of a request's shape and contents (xorshift64*), seeded by worker and request number.
using System.Runtime.CompilerServices;

namespace FioMem.Demo.Server;

/// <summary>A small, fast pseudo-random generator; each request draws from its own seed so every run sees the same requests.</summary>
public struct RequestRandom
{
    private ulong _state;

    /// <summary>Seeds the generator for request <paramref name="requestId"/> of worker <paramref name="worker"/>.</summary>
    public RequestRandom(int worker, long requestId)
    {
        _state = ((ulong)(uint)worker << 40) ^ (ulong)requestId ^ 0x9E3779B97F4A7C15UL;
        if (_state == 0) _state = 1;
        NextWord();
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextWord()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    /// <summary>A number in <paramref name="min"/>..<paramref name="max"/> inclusive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int min, int max) => min + (int)(NextWord() % (ulong)(max - min + 1));
}
