// Diagnostics: what every open connection's transport pipes hold, at the moment the transport buffers rented peak.
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Reflection;
using System.Threading;
using Microsoft.AspNetCore.Connections;

namespace FioMem.Server;

/// <summary>The census at one moment: transport buffers rented, and the bytes and segments in the connections' pipes.</summary>
/// <param name="InputBytes">Received bytes the application has not consumed.</param>
/// <param name="OutputBytes">Bytes the application wrote that the transport has not sent (and consumed).</param>
internal sealed record PipeFigures(long PoolRentedBytes, long Connections, long InputBytes, long InputSegments,
    long OutputBytes, long OutputSegments)
{
    public static readonly PipeFigures Zero = new(0, 0, 0, 0, 0, 0);
}

/// <summary>
/// Counts, every 50 ms, what the input and output pipes of every connection hold, and keeps the census taken when the
/// transport buffers rented were highest: so a peak can be split into unread input, unsent output and the rest
/// (connections not yet dispatched to the application, closed ones not yet released). Both transports' pipes are
/// <see cref="Pipe"/>s; their byte counts and segment chains are private, so this reads them by reflection, for the
/// sample's measurements only (<c>FIOMEM_SERVER_PIPES=1</c>; it costs a walk of every connection per sample).
/// </summary>
internal sealed class PipeCensus
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    private static readonly Type s_reader = typeof(Pipe).GetNestedType("DefaultPipeReader", BindingFlags.NonPublic)!;
    private static readonly Type s_writer = typeof(Pipe).GetNestedType("DefaultPipeWriter", BindingFlags.NonPublic)!;
    private static readonly FieldInfo s_readerPipe = s_reader.GetField("_pipe", Private)!;
    private static readonly FieldInfo s_writerPipe = s_writer.GetField("_pipe", Private)!;
    private static readonly FieldInfo s_unconsumed = typeof(Pipe).GetField("_unconsumedBytes", Private)!;
    private static readonly FieldInfo s_unflushed = typeof(Pipe).GetField("_unflushedBytes", Private)!;
    private static readonly FieldInfo s_readHead = typeof(Pipe).GetField("_readHead", Private)!;

    private readonly ConcurrentDictionary<ConnectionContext, byte> _connections = new();

    private readonly Func<long> _rentedBytes;

    private readonly Lock _lock = new();

    private PipeFigures _peak = PipeFigures.Zero;

    /// <param name="rentedBytes">The transport buffers rented now, in bytes.</param>
    public PipeCensus(Func<long> rentedBytes)
    {
        _rentedBytes = rentedBytes;
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(50);
                PipeFigures now = Count();
                lock (_lock)
                {
                    if (now.PoolRentedBytes > _peak.PoolRentedBytes)
                        _peak = now;
                }
            }
        })
        { IsBackground = true, Name = "Pipe census" };
        thread.Start();
    }

    /// <summary>Whether the sample server runs the census (<c>FIOMEM_SERVER_PIPES=1</c>).</summary>
    public static bool Requested => Environment.GetEnvironmentVariable("FIOMEM_SERVER_PIPES") == "1";

    /// <summary>Kestrel connection middleware that keeps each connection on the census while it is open.</summary>
    public ConnectionDelegate Track(ConnectionDelegate next) => async context =>
    {
        _connections[context] = 0;
        try
        {
            await next(context);
        }
        finally
        {
            _connections.TryRemove(context, out _);
        }
    };

    /// <summary>The census at the highest rented figure since the last call; starts over.</summary>
    public PipeFigures TakePeak()
    {
        lock (_lock)
        {
            PipeFigures peak = _peak;
            _peak = PipeFigures.Zero;
            return peak;
        }
    }

    private PipeFigures Count()
    {
        long rented = _rentedBytes();
        long connections = 0, inputBytes = 0, inputSegments = 0, outputBytes = 0, outputSegments = 0;
        foreach (ConnectionContext connection in _connections.Keys)
        {
            // Read without the pipes' locks: a figure may be a moment stale, which a census can live with.
            if (PipeOf(connection.Transport.Input, s_reader, s_readerPipe) is Pipe input)
            {
                connections++;
                inputBytes += Held(input);
                inputSegments += Segments(input);
            }
            if (PipeOf(connection.Transport.Output, s_writer, s_writerPipe) is Pipe output)
            {
                outputBytes += Held(output);
                outputSegments += Segments(output);
            }
        }
        return new PipeFigures(rented, connections, inputBytes, inputSegments, outputBytes, outputSegments);
    }

    /// <summary>The pipe behind a pipe's reader or writer, looking through one wrapper (FioMem's transport wraps its
    /// input's reader).</summary>
    private static Pipe? PipeOf(object end, Type type, FieldInfo pipe)
    {
        if (!type.IsInstanceOfType(end))
        {
            foreach (FieldInfo field in end.GetType().GetFields(Private))
            {
                if (field.GetValue(end) is { } inner && type.IsInstanceOfType(inner))
                    return (Pipe?)pipe.GetValue(inner);
            }
            return null;
        }
        return (Pipe?)pipe.GetValue(end);
    }

    private static long Held(Pipe pipe) => (long)s_unconsumed.GetValue(pipe)! + (long)s_unflushed.GetValue(pipe)!;

    private static long Segments(Pipe pipe)
    {
        long n = 0;
        for (var segment = (ReadOnlySequenceSegment<byte>?)s_readHead.GetValue(pipe); segment is not null; segment = segment.Next)
            n++;
        return n;
    }
}
