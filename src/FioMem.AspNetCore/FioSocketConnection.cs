// One accepted socket: a receive loop into the input pipe and a send loop out of the output pipe, both on FioMem.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace FioMem.AspNetCore;

/// <summary>
/// A connection as Kestrel sees it: <see cref="Transport"/> is the application's end of two pipes whose segments are
/// rented from <see cref="FioMemoryPool"/>. A receive loop fills the input pipe from the socket and a send loop drains
/// the output pipe into it.
/// </summary>
/// <remarks>
/// Like Kestrel's socket transport, the receive loop waits for data with a zero-byte receive before it rents a buffer,
/// so an idle keep-alive connection holds no memory (but not right after a receive that filled its buffer: more data
/// is likely waiting then). Output that spans several segments is copied into one buffer of
/// at most <see cref="MaxGatherBytes"/> and sent with one call: sockets gather only from arrays.
/// </remarks>
internal sealed class FioSocketConnection : ConnectionContext, IMemoryPoolFeature, IConnectionSocketFeature
{
    /// <summary>The segment size of both pipes (Kestrel's).</summary>
    private const int MinimumSegmentSize = 4096;

    /// <summary>The most output copied into one contiguous buffer per send: below FioMem's large-allocation threshold, so a block slice.</summary>
    private const int MaxGatherBytes = 32 * 1024;

    /// <summary>Received bytes the application has not read, past which receiving pauses (Kestrel's default request buffer limit).</summary>
    private const long MaxInputBytes = 1024 * 1024;

    /// <summary>Unsent response bytes past which the application's writes wait (Kestrel's default response buffer limit).</summary>
    private const long MaxOutputBytes = 64 * 1024;

    private static long s_lastId;

    private readonly Socket _socket;

    private readonly Pipe _input;

    private readonly Pipe _output;

    private readonly CancellationTokenSource _closed = new();

    private Task _processing = Task.CompletedTask;

    /// <summary>Why the application aborted the connection, once it has.</summary>
    private volatile ConnectionAbortedException? _abortReason;

    public FioSocketConnection(Socket socket, MemoryPool<byte> pool)
    {
        _socket = socket;
        MemoryPool = pool;
        // The application's side runs on the thread pool; the transport's side (resuming a paused receive, sending
        // what the application flushed) on an IOQueue, which batches many connections' work into one dispatch.
        PipeScheduler io = IOQueue.Next();
        _input = new Pipe(new PipeOptions(pool, PipeScheduler.ThreadPool, io,
            MaxInputBytes, MaxInputBytes / 2, MinimumSegmentSize, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(pool, io, PipeScheduler.ThreadPool,
            MaxOutputBytes, MaxOutputBytes / 2, MinimumSegmentSize, useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
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

    public void Start() => _processing = Task.WhenAll(Task.Run(ReceiveLoopAsync), Task.Run(SendLoopAsync));

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _abortReason = abortReason;
        _output.Reader.CancelPendingRead();
        // Ends the receive loop; the send loop stops at the cancelled read.
        _socket.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        Transport.Input.Complete();
        Transport.Output.Complete();
        await _processing.ConfigureAwait(false);
        _socket.Dispose();
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
                // Once the socket is drained, wait for data before renting a buffer; right after a receive that
                // filled its buffer, more is likely waiting, so receive at once.
                if (drained)
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                Memory<byte> buffer = writer.GetMemory(MinimumSegmentSize);
                int received = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                    break;
                drained = received < buffer.Length;
                writer.Advance(received);
                FlushResult flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                    break;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            error = _abortReason ?? (Exception)new ConnectionResetException(e.Message, e);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            error = _abortReason ?? (Exception)new ConnectionAbortedException(e.Message, e);
        }
        catch (Exception e)
        {
            error = new IOException(e.Message, e);
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
            ThreadPool.UnsafeQueueUserWorkItem(static closed => CancelClosed(closed), _closed, preferLocal: false);
        }
    }

    private async Task SendLoopAsync()
    {
        Exception? error = null;
        PipeReader reader = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
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
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            error = _abortReason ?? (Exception)new ConnectionResetException(e.Message, e);
        }
        finally
        {
            await reader.CompleteAsync(error).ConfigureAwait(false);
            // Everything is sent: close the connection, which also ends the receive loop.
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // Already closed or reset.
            }
            _socket.Dispose();
        }
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await SendAllAsync(buffer.First).ConfigureAwait(false);
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

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private static void CancelClosed(CancellationTokenSource closed)
    {
        try
        {
            closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection was disposed first.
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
