// One accepted socket: a receive loop into the input pipe and a send loop out of the output pipe, both on FioMem.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace FioMem.AspNetCore;

/// <summary>
/// A connection as Kestrel sees it: <see cref="Transport"/> is the application's end of two pipes whose segments are
/// rented from <see cref="FioMemoryPool"/>. A receive loop fills the input pipe from the socket and a send loop drains
/// the output pipe into it; they end as Kestrel's socket transport ends them.
/// </summary>
/// <remarks>
/// <para>Receiving starts with the application's first read of the input (<see cref="FirstReadInput"/>) or its first
/// write, not at accept: a connection still waiting to be dispatched holds no buffer. (An application that neither
/// reads nor writes learns of a peer's FIN only once it does one or the other.) Then, unless
/// <c>WaitForDataBeforeAllocatingBuffer</c> is off, a zero-byte receive waits for data before
/// a buffer is taken, so an idle connection holds none (skipped right after a receive that filled its buffer: more is
/// likely waiting then). Each receive asks the pipe for half a segment, so a segment
/// with that much room left is filled further rather than replaced: memory held grows with the bytes held, whatever
/// the size of the pieces they arrive in.</para>
/// <para>Ending: a peer's reset or FIN completes the input (a reset with <see cref="ConnectionResetException"/>) and
/// fires <c>ConnectionClosed</c>; a failed send completes the output without an error, so the application's
/// writes finish quietly and only the abort token tells. The socket is shut down (FIN) when the output completes or
/// the connection is aborted without a reason, and reset when it is aborted with one or a send fails (FIN as well
/// under Kestrel's <c>FinOnError</c> switch). Failures are logged at Debug level, as Kestrel does.</para>
/// <para>Segments: the pipes rent from the listener's uncleared pool (a reused 4 KiB segment keeps its last bytes; a
/// pipe never hands out a byte it has not written), while <see cref="MemoryPool"/> zeroes.</para>
/// <para>Sending: output that spans several segments goes to <c>sendmsg</c> straight from the segments on 64-bit Linux
/// (<see cref="VectoredSend"/>); elsewhere it is copied into one buffer of at most <see cref="MaxGatherBytes"/> and
/// sent with one call, since sockets gather only from arrays.</para>
/// </remarks>
internal sealed class FioSocketConnection : ConnectionContext, IMemoryPoolFeature, IConnectionSocketFeature
{
    /// <summary>The room asked of the input pipe per receive: half a segment, so a segment is filled at least halfway.</summary>
    private const int MinimumReceiveSize = FioMemoryPool.DefaultBufferSize / 2;

    /// <summary>The most output copied into one contiguous buffer per send: below FioMem's large-allocation threshold, so a block slice.</summary>
    private const int MaxGatherBytes = 32 * 1024;

    private static readonly Action<ILogger, string, Exception?> s_readFin = LoggerMessage.Define<string>(LogLevel.Debug,
        new EventId(6, "ConnectionReadFin"), @"Connection id ""{ConnectionId}"" received FIN.");

    private static readonly Action<ILogger, string, string, Exception?> s_writeFin = LoggerMessage.Define<string, string>(LogLevel.Debug,
        new EventId(7, "ConnectionWriteFin"), @"Connection id ""{ConnectionId}"" sending FIN because: ""{Reason}""");

    private static readonly Action<ILogger, string, string, Exception?> s_writeRst = LoggerMessage.Define<string, string>(LogLevel.Debug,
        new EventId(8, "ConnectionWriteRst"), @"Connection id ""{ConnectionId}"" sending RST because: ""{Reason}""");

    private static readonly Action<ILogger, string, Exception?> s_error = LoggerMessage.Define<string>(LogLevel.Debug,
        new EventId(14, "ConnectionError"), @"Connection id ""{ConnectionId}"" communication error.");

    private static readonly Action<ILogger, string, Exception?> s_reset = LoggerMessage.Define<string>(LogLevel.Debug,
        new EventId(19, "ConnectionReset"), @"Connection id ""{ConnectionId}"" reset.");

    private static long s_lastId;

    private readonly Socket _socket;

    private readonly Pipe _input;

    private readonly Pipe _output;

    /// <summary>The input as the application reads it: its first read starts the receive loop.</summary>
    private readonly FirstReadInput _inputReader;

    private readonly ILogger _logger;

    private readonly bool _waitForData;

    private readonly bool _finOnError;

    /// <summary>Whether multi-segment output goes to <c>sendmsg</c> straight from the segments (<see cref="VectoredSend"/>):
    /// 0 until the first such output, then 1 or -1. Used by the send loop only.</summary>
    private int _vectored;

    private readonly CancellationTokenSource _closed = new();

    /// <summary>Completed once <c>ConnectionClosed</c> has fired; the receive loop ends after it.</summary>
    private readonly TaskCompletionSource _closedFired = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Lock _shutdownLock = new();

    /// <summary>
    /// Completes when the receive loop has ended. The loop starts on whichever thread reads, writes, shuts down or
    /// disposes first (<see cref="FirstReadInput"/>), so disposal waits for this rather than for a task another thread
    /// may not have stored yet.
    /// </summary>
    private readonly TaskCompletionSource _receiveEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task _sending = Task.CompletedTask;

    /// <summary>Why the socket was closed, once it has been: set before the socket is disposed, under <see cref="_shutdownLock"/>.</summary>
    private volatile Exception? _shutdownReason;

    public FioSocketConnection(Socket socket, MemoryPool<byte> pool, FioSocketSettings settings, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        MemoryPool = pool;
        _waitForData = settings.WaitForData;
        _finOnError = settings.FinOnError;
        (PipeOptions input, PipeOptions output) = settings.NextQueue();
        _input = new Pipe(input);
        _output = new Pipe(output);
        _inputReader = new FirstReadInput(_input.Reader, () => _ = ReceiveLoopAsync());
        Transport = new DuplexPipe(_inputReader, _output.Writer);
        ConnectionId = "fiomem-" + Interlocked.Increment(ref s_lastId).ToString("x");
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionClosed = _closed.Token;
        Features.Set<IMemoryPoolFeature>(this);
        Features.Set<IConnectionSocketFeature>(this);
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public MemoryPool<byte> MemoryPool { get; }

    public Socket Socket => _socket;

    /// <summary>Starts the send loop; the receive loop starts with the application's first read of the input
    /// (<see cref="FirstReadInput"/>) or first write, or when the connection closes without either.</summary>
    public void Start() => _sending = SendLoopAsync();

    public override void Abort(ConnectionAbortedException abortReason)
    {
        // Kestrel passes no reason when the peer closed its side: then whatever is already sent still arrives.
        Shutdown(abortReason);
        // The send loop stops at the cancelled read, after the reason is recorded.
        _output.Reader.CancelPendingRead();
    }

    public override async ValueTask DisposeAsync()
    {
        _inputReader.Complete();
        _output.Writer.Complete();
        // Completing the input above started the receive loop if nothing had; the completed output ends the send loop,
        // which shuts the socket down, and the receive loop with it.
        await _receiveEnded.Task.ConfigureAwait(false);
        await _sending.ConfigureAwait(false);
        _closed.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        PipeWriter writer = _input.Writer;
        try
        {
            bool drained = true;
            while (true)
            {
                // Right after a receive that filled its buffer more is likely waiting: receive at once then, and
                // wait for data only once the socket has been drained (so an idle connection still holds nothing).
                if (_waitForData && drained)
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                Memory<byte> buffer = writer.GetMemory(MinimumReceiveSize);
                int received = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    s_readFin(_logger, ConnectionId, null);
                    break;
                }
                drained = received < buffer.Length;
                writer.Advance(received);
                FlushResult flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                    break;
            }
        }
        catch (SocketException e) when (IsReset(e.SocketErrorCode))
        {
            error = new ConnectionResetException(e.Message, e);
            if (_shutdownReason is null)
                s_reset(_logger, ConnectionId, null);
        }
        catch (Exception e) when (e is ObjectDisposedException || e is SocketException s && IsAborted(s.SocketErrorCode))
        {
            // The socket was closed under the receive: the shutdown reason says why.
            error = e;
            if (_shutdownReason is null)
                s_error(_logger, ConnectionId, e);
        }
        catch (Exception e)
        {
            error = e;
            s_error(_logger, ConnectionId, e);
        }
        finally
        {
            try
            {
                await writer.CompleteAsync(_shutdownReason ?? error).ConfigureAwait(false);
                FireConnectionClosed();
                await _closedFired.Task.ConfigureAwait(false);
            }
            finally
            {
                _receiveEnded.TrySetResult();
            }
        }
    }

    private async Task SendLoopAsync()
    {
        Exception? shutdownReason = null;
        Exception? unexpected = null;
        PipeReader reader = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                // An application that writes before it reads (or never reads) is serving the connection too: receive,
                // so that a peer's FIN or reset still fires ConnectionClosed.
                _inputReader.Start();
                if (result.IsCanceled)
                    break;
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                    await SendAsync(buffer).ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                    break;
            }
        }
        catch (SocketException e) when (IsReset(e.SocketErrorCode))
        {
            shutdownReason = new ConnectionResetException(e.Message, e);
            s_reset(_logger, ConnectionId, null);
        }
        catch (Exception e) when (e is ObjectDisposedException || e is SocketException s && IsAborted(s.SocketErrorCode))
        {
            // Aborted: the socket is already closed.
            shutdownReason = e;
        }
        catch (Exception e)
        {
            shutdownReason = unexpected = e;
            s_error(_logger, ConnectionId, e);
        }
        finally
        {
            Shutdown(shutdownReason);
            // No error for a reset or an abort: the application's writes complete, and the abort token tells it.
            await reader.CompleteAsync(unexpected).ConfigureAwait(false);
            // A receive paused by back-pressure would otherwise wait for an application that has stopped reading.
            _input.Writer.CancelPendingFlush();
        }
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await SendAllAsync(buffer.First).ConfigureAwait(false);
            return;
        }
        if (_vectored == 0)
        {
            // .NET makes a socket's descriptor non-blocking for its asynchronous operations (the receives have run by
            // now); checked once, since a vectored send must never wait.
            _vectored = VectoredSend.IsSupported && VectoredSend.IsNonBlocking(_socket) ? 1 : -1;
        }
        if (_vectored > 0)
        {
            while (!buffer.IsEmpty)
            {
                int sent = VectoredSend.TrySend(_socket, buffer);
                if (sent < 0)
                    break;
                if (sent > 0)
                {
                    buffer = buffer.Slice(sent);
                    continue;
                }
                // The send buffer is full: the ordinary send waits for room, with the first bytes (any empty segments
                // before them count for nothing in the slice).
                ReadOnlyMemory<byte> first = FirstBytes(buffer);
                await SendAllAsync(first).ConfigureAwait(false);
                buffer = buffer.Slice(first.Length);
            }
            if (buffer.IsEmpty)
                return;
        }
        using IMemoryOwner<byte> gather = MemoryPool.Rent((int)Math.Min(buffer.Length, MaxGatherBytes));
        Memory<byte> contiguous = gather.Memory;
        while (!buffer.IsEmpty)
        {
            int length = (int)Math.Min(buffer.Length, contiguous.Length);
            buffer.Slice(0, length).CopyTo(contiguous.Span);
            await SendAllAsync(contiguous[..length]).ConfigureAwait(false);
            buffer = buffer.Slice(length);
        }
    }

    private static ReadOnlyMemory<byte> FirstBytes(in ReadOnlySequence<byte> buffer)
    {
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (!segment.IsEmpty)
                return segment;
        }
        return ReadOnlyMemory<byte>.Empty;
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>Closes the socket once: with a FIN after what is already sent, or a reset when there is a reason.</summary>
    /// <param name="reason">Null when the output completed or the peer closed its side; otherwise why the connection ends.</param>
    private void Shutdown(Exception? reason)
    {
        ShutdownSocket(reason);
        // A connection closed before the application read it still ends as any other: the receive loop meets the
        // closed socket, completes the input and fires ConnectionClosed.
        _inputReader.Start();
    }

    private void ShutdownSocket(Exception? reason)
    {
        lock (_shutdownLock)
        {
            if (_shutdownReason is not null)
                return;
            _shutdownReason = reason ?? new ConnectionAbortedException("The FioMem socket transport's send loop completed gracefully.");
            if (reason is not null && !_finOnError)
            {
                s_writeRst(_logger, ConnectionId, reason.Message, null);
                // Linger 0: a reset, and the socket is disposed.
                _socket.Close(0);
                return;
            }
            s_writeFin(_logger, ConnectionId, _shutdownReason.Message, null);
            try
            {
                // Shut down first: disposing a socket with a receive pending would reset the connection and drop
                // what the peer has not read yet.
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // Already reset by the peer.
            }
            _socket.Dispose();
        }
    }

    // Called once, when the receive loop ends (FirstReadInput starts it once per connection).
    private void FireConnectionClosed()
    {
        // Off this thread: the token's callbacks (Kestrel's, the application's) may take a while.
        ThreadPool.UnsafeQueueUserWorkItem(static connection =>
        {
            try
            {
                connection._closed.Cancel();
            }
            catch (Exception e)
            {
                connection._logger.LogError(e, "A ConnectionClosed callback of connection {ConnectionId} threw.", connection.ConnectionId);
            }
            connection._closedFired.TrySetResult();
        }, this, preferLocal: false);
    }

    private static bool IsReset(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.Shutdown
        || (error == SocketError.ConnectionAborted && OperatingSystem.IsWindows());

    /// <summary>The errors a receive or send reports when the socket is closed under it.</summary>
    private static bool IsAborted(SocketError error) =>
        error is SocketError.OperationAborted or SocketError.Interrupted
        || (error == SocketError.InvalidArgument && !OperatingSystem.IsWindows());

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
