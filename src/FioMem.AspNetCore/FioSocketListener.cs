// Accepts connections on one endpoint and starts a FioSocketConnection for each.
using System;
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;

namespace FioMem.AspNetCore;

/// <summary>A listening socket; its connections share one <see cref="FioMemoryPool"/>, disposed with the listener.</summary>
internal sealed class FioSocketListener : IConnectionListener
{
    /// <summary>Pending connections the operating system queues before Kestrel accepts them (Kestrel's default).</summary>
    private const int Backlog = 512;

    private readonly Socket _socket;

    private readonly MemoryPool<byte> _pool = new FioMemoryPool();

    private FioSocketListener(Socket socket)
    {
        _socket = socket;
        EndPoint = socket.LocalEndPoint!;
    }

    /// <summary>The bound endpoint, with the port the system chose when port 0 was asked for.</summary>
    public EndPoint EndPoint { get; }

    public static FioSocketListener Bind(EndPoint endpoint)
    {
        if (endpoint is FileHandleEndPoint handle)
        {
            // A socket already bound and listening, handed over by its creator (systemd socket activation, a test).
            return new FioSocketListener(new Socket(new SafeSocketHandle((IntPtr)(long)handle.FileHandle, ownsHandle: true)));
        }
        Socket socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint is IPEndPoint ip && ip.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.Bind(endpoint);
            socket.Listen(Backlog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new FioSocketListener(socket);
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
            if (accepted.ProtocolType == ProtocolType.Tcp)
                accepted.NoDelay = true;
            var connection = new FioSocketConnection(accepted, _pool);
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
        return default;
    }
}
