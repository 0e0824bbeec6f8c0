// Accepts connections on one endpoint and starts a FioSocketConnection for each.
using System;
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace FioMem.AspNetCore;

/// <summary>
/// A listening socket; its connections share two <see cref="FioMemoryPool"/>s, disposed with the listener: one for
/// their pipes' segments, which skips clearing reused 4 KiB segments, and the zeroing one they expose.
/// </summary>
internal sealed class FioSocketListener : IConnectionListener
{
    private readonly Socket _socket;

    /// <summary>The pool connections expose to Kestrel and the application (<c>IMemoryPoolFeature</c>): zeroed buffers.</summary>
    private readonly MemoryPool<byte> _pool;

    /// <summary>The pool the connections' pipes rent their segments from: reused segments are not cleared.</summary>
    private readonly MemoryPool<byte> _segments;

    private readonly FioSocketSettings _settings;

    private readonly ILogger _logger;

    private FioSocketListener(Socket socket, EndPoint endpoint, MemoryPool<byte> pool, MemoryPool<byte> segments, FioSocketSettings settings, ILogger logger)
    {
        _socket = socket;
        _pool = pool;
        _segments = segments;
        _settings = settings;
        _logger = logger;
        EndPoint = endpoint;
    }

    /// <summary>The bound endpoint, with the port the system chose when port 0 was asked for.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>Creates the listening socket with <see cref="SocketTransportOptions.CreateBoundListenSocket"/>, binds it and listens.</summary>
    public static FioSocketListener Bind(EndPoint endpoint, SocketTransportOptions options, ILogger logger)
    {
        Socket socket;
        try
        {
            socket = options.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e);
        }
        var pool = new FioMemoryPool();
        // The pipes write every byte of a segment before they hand it out, so reused segments need no clearing.
        FioMemoryPool segments = FioMemoryPool.CreateUncleared();
        try
        {
            var settings = new FioSocketSettings(options, segments);
            // A socket passed by handle keeps the endpoint it was given; a bound one reports the port chosen for port 0.
            EndPoint bound = socket.LocalEndPoint is IPEndPoint ip ? ip : endpoint;
            socket.Listen(settings.Backlog);
            return new FioSocketListener(socket, bound, pool, segments, settings, logger);
        }
        catch
        {
            socket.Dispose();
            pool.Dispose();
            segments.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException)
            {
                // The client gave up before it was accepted (a reset in the backlog): take the next one.
                continue;
            }
            if (accepted.LocalEndPoint is IPEndPoint)
                accepted.NoDelay = _settings.NoDelay;
            var connection = new FioSocketConnection(accepted, _pool, _settings, _logger);
            connection.Start();
            return connection;
        }
    }

    /// <inheritdoc/>
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _socket.Dispose();
        return default;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _pool.Dispose();
        _segments.Dispose();
        return default;
    }
}
