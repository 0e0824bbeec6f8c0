// SocketTransportOptions turned into what each connection of FioMem's transport needs: pipe options per I/O queue,
// the receive mode and how a failed connection is closed.
using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Threading;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace FioMem.AspNetCore;

/// <summary>
/// The settings a listener hands its connections, read once from <see cref="SocketTransportOptions"/>: every public
/// option applies as it does to Kestrel's own socket transport.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>MaxReadBufferSize</c> / <c>MaxWriteBufferSize</c>: the pause thresholds of the input and output pipes (resume
/// at half); null or 0 is unlimited.</item>
/// <item><c>IOQueueCount</c>: that many <see cref="IOQueue"/>s run the transport's side of the pipes, connections taking
/// them in turn; 0 runs it on the thread pool directly.</item>
/// <item><c>UnsafePreferInlineScheduling</c>: both sides of both pipes run inline.</item>
/// <item><c>WaitForDataBeforeAllocatingBuffer</c>: a zero-byte receive precedes every receive, so an idle connection holds
/// no buffer.</item>
/// <item><c>NoDelay</c>, <c>Backlog</c> and <c>CreateBoundListenSocket</c> apply to the sockets.</item>
/// </list>
/// </remarks>
internal sealed class FioSocketSettings
{
    /// <summary>The AppContext switch with which Kestrel closes a failed connection with a FIN instead of a reset.</summary>
    private const string FinOnErrorSwitch = "Microsoft.AspNetCore.Server.Kestrel.FinOnError";

    private readonly (PipeOptions Input, PipeOptions Output)[] _queues;

    private long _next;

    public FioSocketSettings(SocketTransportOptions options, MemoryPool<byte> pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxReadBufferSize < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxReadBufferSize, "SocketTransportOptions.MaxReadBufferSize must be null or at least 0.");
        if (options.MaxWriteBufferSize < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxWriteBufferSize, "SocketTransportOptions.MaxWriteBufferSize must be null or at least 0.");
        if (options.IOQueueCount < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.IOQueueCount, "SocketTransportOptions.IOQueueCount must be at least 0.");
        long maxRead = options.MaxReadBufferSize ?? 0, maxWrite = options.MaxWriteBufferSize ?? 0;
        PipeScheduler application = options.UnsafePreferInlineScheduling ? PipeScheduler.Inline : PipeScheduler.ThreadPool;
        _queues = new (PipeOptions, PipeOptions)[Math.Max(options.IOQueueCount, 1)];
        for (int i = 0; i < _queues.Length; i++)
        {
            PipeScheduler transport = options.UnsafePreferInlineScheduling ? PipeScheduler.Inline
                : options.IOQueueCount == 0 ? PipeScheduler.ThreadPool
                : new IOQueue();
            // The application reads the input and writes the output; the transport does the other ends.
            _queues[i] = (new PipeOptions(pool, application, transport, maxRead, maxRead / 2, useSynchronizationContext: false),
                new PipeOptions(pool, transport, application, maxWrite, maxWrite / 2, useSynchronizationContext: false));
        }
        WaitForData = options.WaitForDataBeforeAllocatingBuffer;
        NoDelay = options.NoDelay;
        Backlog = options.Backlog;
        AppContext.TryGetSwitch(FinOnErrorSwitch, out bool finOnError);
        FinOnError = finOnError;
    }

    /// <summary>Whether a receive waits for data (a zero-byte receive) before it takes a buffer from the pipe.</summary>
    public bool WaitForData { get; }

    /// <summary>Whether Nagle's algorithm is off on accepted TCP sockets.</summary>
    public bool NoDelay { get; }

    /// <summary>The listen backlog.</summary>
    public int Backlog { get; }

    /// <summary>Whether a connection that fails or is aborted with a reason is closed with a FIN rather than a reset.</summary>
    public bool FinOnError { get; }

    /// <summary>The next connection's pipe options: the I/O queues in turn.</summary>
    public (PipeOptions Input, PipeOptions Output) NextQueue() =>
        _queues.Length == 1 ? _queues[0] : _queues[(ulong)Interlocked.Increment(ref _next) % (ulong)_queues.Length];
}
