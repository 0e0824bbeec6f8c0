// Kestrel's own figures read in-process: its memory pool's meter and its connection count, for the /peak comparison.
using System;
using System.Diagnostics.Metrics;
using System.Threading;

namespace FioMem.Server;

/// <summary>
/// Listens to the meters ASP.NET Core publishes (<c>Microsoft.AspNetCore.MemoryPool</c> and
/// <c>Microsoft.AspNetCore.Server.Kestrel</c>) and keeps running totals: the bytes Kestrel's pool has rented out now and
/// the connections open now.
/// </summary>
/// <remarks>
/// The pool publishes counters only (bytes allocated, evicted, rented; bytes pooled up and down), so the bytes rented
/// out now are allocated − evicted − pooled. Start it before the host is built: a counter records only once a listener
/// has enabled it, and an earlier allocation would be missed.
/// </remarks>
internal sealed class MeterReadings : IDisposable
{
    private readonly MeterListener _listener = new();

    private long _allocated;

    private long _evicted;

    private long _pooled;

    private long _connections;

    public MeterReadings()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name is "Microsoft.AspNetCore.MemoryPool"
                || instrument.Name == "kestrel.active_connections")
                listener.EnableMeasurementEvents(instrument, null);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    /// <summary>Bytes Kestrel's memory pool has handed out and not had back (0 when Kestrel's pool is not in use).</summary>
    public long KestrelPoolRentedBytes =>
        Volatile.Read(ref _allocated) - Volatile.Read(ref _evicted) - Volatile.Read(ref _pooled);

    /// <summary>Kestrel's connections open now, whatever the transport.</summary>
    public long Connections => Volatile.Read(ref _connections);

    private void Add(string instrument, long value)
    {
        switch (instrument)
        {
            case "aspnetcore.memory_pool.allocated":
                Interlocked.Add(ref _allocated, value);
                break;
            case "aspnetcore.memory_pool.evicted":
                Interlocked.Add(ref _evicted, value);
                break;
            case "aspnetcore.memory_pool.pooled":
                Interlocked.Add(ref _pooled, value);
                break;
            case "kestrel.active_connections":
                Interlocked.Add(ref _connections, value);
                break;
        }
    }

    public void Dispose() => _listener.Dispose();
}
