// The conformance suite's server: one app on Kestrel's socket transport or FioMem's, with the routes the scenarios use,
// the log lines at Warning and above, and a count of the transport buffers outstanding.
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FioMem.AspNetCore.Tests.Conformance;

/// <summary>The transport under test.</summary>
public enum TransportKind
{
    /// <summary>Kestrel as it comes: its socket transport, on an array pool whose buffers are counted.</summary>
    Kestrel,

    /// <summary><c>AddFioMemoryPool()</c>: FioMem's socket transport on <see cref="FioMemoryPool"/>.</summary>
    FioMem,
}

/// <summary>What a handler saw, for the scenario to check once the handler has finished.</summary>
internal sealed class HandlerReport
{
    public readonly TaskCompletionSource<HandlerReport> Finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public readonly TaskCompletionSource Blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>1 while a write of the download waits for the client.</summary>
    public volatile int WriteWaiting;

    public readonly TaskCompletionSource Aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? WriteError;

    public long BytesWritten;
}

internal sealed class ConformanceServer : IAsyncDisposable
{
    /// <summary>Bytes the download route writes: more than loopback's socket buffers hold, so its sends block.</summary>
    public const int DownloadLength = 64 << 20;

    private readonly WebApplication _app;

    private readonly CountingPoolFactory? _countingPool;

    private ConformanceServer(WebApplication app, CountingPoolFactory? countingPool, LogSink logs)
    {
        _app = app;
        _countingPool = countingPool;
        Logs = logs;
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        EndPoint = new IPEndPoint(IPAddress.Loopback, address.Port);
    }

    public IPEndPoint EndPoint { get; }

    public LogSink Logs { get; }

    /// <summary>The handler of the latest <c>/download</c> or <c>/hold</c> request.</summary>
    public HandlerReport Report { get; private set; } = new();

    /// <summary>When set, new connections wait for it to complete before Kestrel's HTTP layer reads them.</summary>
    public TaskCompletionSource? HeldConnections { get; set; }

    /// <summary>Completes the <c>/hold</c> handlers.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Transport buffers rented and not returned: FioMem's statistics or the counting pool's.</summary>
    public long OutstandingBuffers => _countingPool?.Outstanding ?? FioMemory.GetStatistics().MemoryPoolBuffers;

    /// <summary>Transport buffers rented so far.</summary>
    public long Rentals => _countingPool?.Rentals ?? FioMemory.GetStatistics().MemoryPoolRentals;

    public static async Task<ConformanceServer> StartAsync(TransportKind kind, Action<SocketTransportOptions>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        var logs = new LogSink();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ConformanceServer? server = null;
        // While HeldConnections is set, Kestrel's connection middleware waits on it before the HTTP layer reads.
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => async context =>
        {
            if (server?.HeldConnections is { } held)
                await held.Task;
            await next(context);
        })));
        if (configure is not null)
            builder.Services.Configure(configure);
        CountingPoolFactory? counting = null;
        if (kind == TransportKind.FioMem)
        {
            builder.Services.AddFioMemoryPool();
        }
        else
        {
            counting = new CountingPoolFactory();
            builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(counting);
        }
        WebApplication app = builder.Build();
        app.MapGet("/hello", (HttpContext context) =>
        {
            context.Response.ContentLength = 5;
            return context.Response.WriteAsync("Hello");
        });
        app.MapGet("/nodelay", (HttpContext context) =>
            context.Features.Get<IConnectionSocketFeature>()?.Socket.NoDelay.ToString() ?? "no socket");
        app.MapPost("/echo", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/octet-stream";
            if (context.Request.ContentLength is long length)
                context.Response.ContentLength = length;
            await context.Request.Body.CopyToAsync(context.Response.Body);
        });
        app.MapGet("/download", async (HttpContext context) =>
        {
            HandlerReport report = server!.Report;
            context.RequestAborted.Register(() => report.Aborted.TrySetResult());
            byte[] chunk = new byte[64 * 1024];
            context.Response.ContentLength = DownloadLength;
            try
            {
                // Like a handler streaming a file: it relies on its writes, not on RequestAborted, to stop.
                for (int sent = 0; sent < DownloadLength; sent += chunk.Length)
                {
                    ValueTask<FlushResult> write = context.Response.BodyWriter.WriteAsync(chunk);
                    if (!write.IsCompleted)
                    {
                        report.Blocked.TrySetResult();
                        report.WriteWaiting = 1;
                    }
                    FlushResult result = await write;
                    report.WriteWaiting = 0;
                    report.BytesWritten += chunk.Length;
                    if (result.IsCompleted || result.IsCanceled)
                        break;
                }
            }
            catch (Exception e)
            {
                report.WriteError = e;
            }
            report.Finished.TrySetResult(report);
        });
        app.MapPost("/hold", async (HttpContext context) =>
        {
            HandlerReport report = server!.Report;
            context.RequestAborted.Register(() => report.Aborted.TrySetResult());
            // The body stays unread until the scenario releases it or the client goes.
            await Task.WhenAny(server.Release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            report.Finished.TrySetResult(report);
        });
        await app.StartAsync();
        server = new ConformanceServer(app, counting, logs);
        return server;
    }

    /// <summary>A fresh report for the next handler.</summary>
    public HandlerReport NewReport() => Report = new HandlerReport();

    public async ValueTask DisposeAsync()
    {
        Release.TrySetResult();
        HeldConnections?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Keeps every log line at Warning and above.</summary>
    internal sealed class LogSink : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Lines { get; } = new();

        public string[] Errors => Lines.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.Category}: {l.Message}").ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogSink sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    sink.Lines.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)));
            }
        }
    }

    /// <summary>Kestrel's transport on array buffers (it needs arrays), counted as FioMem's statistics count its own.</summary>
    private sealed class CountingPoolFactory : IMemoryPoolFactory<byte>
    {
        private long _rentals;

        private long _outstanding;

        public long Rentals => Interlocked.Read(ref _rentals);

        public long Outstanding => Interlocked.Read(ref _outstanding);

        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new Pool(this);

        private sealed class Pool(CountingPoolFactory counts) : MemoryPool<byte>
        {
            public override int MaxBufferSize => int.MaxValue;

            public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
            {
                Interlocked.Increment(ref counts._rentals);
                Interlocked.Increment(ref counts._outstanding);
                return new Owner(counts, new byte[minBufferSize < 0 ? 4096 : minBufferSize]);
            }

            protected override void Dispose(bool disposing)
            {
            }
        }

        private sealed class Owner(CountingPoolFactory counts, byte[] array) : IMemoryOwner<byte>
        {
            private int _disposed;

            public Memory<byte> Memory => array;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                    Interlocked.Decrement(ref counts._outstanding);
            }
        }
    }
}
