// The application's end of a connection's input pipe: its first read starts the connection's receive loop.
using System;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace FioMem.AspNetCore;

/// <summary>
/// The input pipe's reader as the application sees it: every call goes to the pipe's own reader, and the first read
/// (or completion) starts the receive loop, unless the connection's first write or its shutdown started it already.
/// </summary>
/// <remarks>
/// Kestrel's socket transport starts receiving as it accepts, so a connection whose bytes arrive before Kestrel
/// dispatches it (a burst of new connections on a busy server, each sending at once) fills its pipe with what the
/// client sent, up to <c>MaxReadBufferSize</c>, while it waits in the thread pool's queue. Started by the first read,
/// the receive loop takes nothing in before the application asks: until then the bytes wait in the socket's own
/// buffer, and the client sees the same back-pressure it would see from a server that is slow to accept.
/// </remarks>
internal sealed class FirstReadInput(PipeReader reader, Action startReceiving) : PipeReader
{
    /// <summary>1 once <see cref="_startReceiving"/> has been called.</summary>
    private int _started;

    private readonly Action _startReceiving = startReceiving;

    /// <summary>Starts the receive loop unless it has been started already.</summary>
    public void Start()
    {
        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
            _startReceiving();
    }

    /// <inheritdoc/>
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        Start();
        return reader.ReadAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override ValueTask<ReadResult> ReadAtLeastAsyncCore(int minimumSize, CancellationToken cancellationToken)
    {
        Start();
        return reader.ReadAtLeastAsync(minimumSize, cancellationToken);
    }

    /// <inheritdoc/>
    public override bool TryRead(out ReadResult result)
    {
        Start();
        return reader.TryRead(out result);
    }

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed) => reader.AdvanceTo(consumed);

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => reader.AdvanceTo(consumed, examined);

    /// <inheritdoc/>
    public override void CancelPendingRead() => reader.CancelPendingRead();

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null)
    {
        reader.Complete(exception);
        // The receive loop sees the completed reader and ends, which fires ConnectionClosed as before.
        Start();
    }

    /// <inheritdoc/>
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        await reader.CompleteAsync(exception).ConfigureAwait(false);
        Start();
    }

    /// <inheritdoc/>
    public override Task CopyToAsync(PipeWriter destination, CancellationToken cancellationToken = default)
    {
        Start();
        return reader.CopyToAsync(destination, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        Start();
        return reader.CopyToAsync(destination, cancellationToken);
    }
}
