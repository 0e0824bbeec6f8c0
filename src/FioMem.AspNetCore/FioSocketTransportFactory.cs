// Kestrel's TCP (and Unix socket) transport on FioMem buffers: the listener factory AddFioMemoryPool registers.
using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FioMem.AspNetCore;

/// <summary>
/// Binds Kestrel's TCP and Unix-domain endpoints, and sockets handed over by handle (<c>ListenHandle</c>), with
/// <see cref="FioSocketListener"/>, whose connections move bytes through pipes over <see cref="FioMemoryPool"/>. It
/// takes the application's <see cref="SocketTransportOptions"/> (<c>UseSockets(options => …)</c> or
/// <c>Configure&lt;SocketTransportOptions&gt;</c>) as Kestrel's own socket transport does.
/// </summary>
/// <remarks>
/// Kestrel's own socket transport cannot run on a native-memory pool: when a response spans several pipe segments it
/// hands them to <see cref="SocketAsyncEventArgs.BufferList"/>, which takes arrays only, and fails with "Buffer backed
/// by array was expected". This transport sends a single segment as it is, and several with one <c>sendmsg</c>
/// straight from the segments on 64-bit Linux (<see cref="VectoredSend"/>); elsewhere it copies them into one
/// contiguous FioMem buffer first (one send instead of one per segment).
/// </remarks>
internal sealed class FioSocketTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    /// <summary>The logging category of the transport's connections.</summary>
    internal const string LoggerCategory = "FioMem.AspNetCore.FioSocketTransport";

    private readonly SocketTransportOptions _options;

    private readonly ILogger _logger;

    public FioSocketTransportFactory(IOptions<SocketTransportOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _logger = loggerFactory.CreateLogger(LoggerCategory);
    }

    /// <inheritdoc/>
    public bool CanBind(EndPoint endpoint) =>
        endpoint is IPEndPoint or UnixDomainSocketEndPoint or FileHandleEndPoint { FileHandleType: FileHandleType.Auto or FileHandleType.Tcp };

    /// <inheritdoc/>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!CanBind(endpoint))
            throw new NotSupportedException($"The FioMem socket transport binds IP and Unix-domain endpoints and listening socket handles, not {endpoint}.");
        return new ValueTask<IConnectionListener>(FioSocketListener.Bind(endpoint, _options, _logger));
    }
}
