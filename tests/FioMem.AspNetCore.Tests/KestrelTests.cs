// Kestrel in-process on a loopback port: with AddFioMemoryPool its transport rents from FioMem, without it not.
using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FioMem.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FioMem.AspNetCore.Tests;

public class KestrelTests
{
    private const int BodySize = 16 * 1024;

    [Fact]
    public async Task Kestrel_serves_requests_from_FioMem_buffers_when_registered()
    {
        await using WebApplication app = await StartServerAsync(useFioMem: true);
        Assert.IsType<FioMemoryPoolFactory>(app.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        FioMemoryStatistics before = FioMemory.GetStatistics();

        await EchoRoundTripsAsync(app, requests: 20);

        FioMemoryStatistics after = FioMemory.GetStatistics();
        // Every request is read into at least one transport buffer (16 KiB bodies: four or more).
        Assert.True(after.MemoryPoolRentals - before.MemoryPoolRentals >= 20 * 4,
            $"{after.MemoryPoolRentals - before.MemoryPoolRentals} FioMemoryPool rentals for 20 requests");
    }

    [Fact]
    public async Task Kestrel_does_not_touch_FioMem_without_the_registration()
    {
        await using WebApplication app = await StartServerAsync(useFioMem: false);
        Assert.IsNotType<FioMemoryPoolFactory>(app.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        FioMemoryStatistics before = FioMemory.GetStatistics();

        await EchoRoundTripsAsync(app, requests: 20);

        Assert.Equal(before.MemoryPoolRentals, FioMemory.GetStatistics().MemoryPoolRentals);
    }

    [Fact]
    public async Task A_response_spanning_many_segments_arrives_intact()
    {
        await using WebApplication app = await StartServerAsync(useFioMem: true);
        using var client = new HttpClient { BaseAddress = new Uri(AddressOf(app)) };
        for (int round = 0; round < 3; round++)
        {
            byte[] body = await client.GetByteArrayAsync("/pattern");
            Assert.Equal(PatternLength, body.Length);
            for (int i = 0; i < body.Length; i++)
                Assert.True(body[i] == (byte)(i * 7), $"round {round}: byte {i} is {body[i]}");
        }
    }

    [Fact]
    public async Task A_listening_socket_passed_by_handle_is_served_from_FioMem_buffers()
    {
        var listening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listening.Listen();
        var endpoint = (IPEndPoint)listening.LocalEndPoint!;
        ulong handle = (ulong)listening.SafeHandle.DangerousGetHandle();
        // The server owns the handle from here on.
        listening.SafeHandle.SetHandleAsInvalid();

        await using WebApplication app = await StartServerAsync(useFioMem: true, kestrel => kestrel.ListenHandle(handle));
        long rentalsBefore = FioMemory.GetStatistics().MemoryPoolRentals;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{endpoint.Port}") };
        byte[] body = new byte[BodySize];
        new Random(3).NextBytes(body);
        using HttpResponseMessage response = await client.PostAsync("/echo", new ByteArrayContent(body));
        byte[] echoed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(body.AsSpan().SequenceEqual(echoed));
        Assert.True(FioMemory.GetStatistics().MemoryPoolRentals > rentalsBefore);
    }

    [Fact]
    public async Task Transport_buffers_are_all_returned_when_the_server_stops()
    {
        long outstandingBefore = FioMemory.GetStatistics().MemoryPoolBuffers;
        await using (WebApplication app = await StartServerAsync(useFioMem: true))
        {
            await EchoRoundTripsAsync(app, requests: 5);
            await app.StopAsync();
        }
        Assert.Equal(outstandingBefore, FioMemory.GetStatistics().MemoryPoolBuffers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_handler_that_only_writes_learns_of_the_peers_close(bool useFioMem)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using WebApplication app = await StartServerAsync(useFioMem, kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            listen.Run(async connection =>
            {
                // Never reads: the transport must still receive the client's FIN to fire ConnectionClosed.
                await connection.Transport.Output.WriteAsync("hi"u8.ToArray());
                try
                {
                    await Task.Delay(Timeout.Infinite, connection.ConnectionClosed);
                }
                catch (OperationCanceledException)
                {
                    closed.TrySetResult();
                }
            })));
        int port = new Uri(AddressOf(app)).Port;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            byte[] greeting = new byte[2];
            Assert.Equal(2, await socket.ReceiveAsync(greeting.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            socket.Shutdown(SocketShutdown.Send);
        }
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void AddFioMemoryPool_replaces_a_registered_factory_and_checks_its_argument()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMemoryPoolFactory<byte>, OtherFactory>();
        services.AddFioMemoryPool();
        services.AddFioMemoryPool();
        Assert.Single(services, d => d.ServiceType == typeof(IMemoryPoolFactory<byte>));
        Assert.Single(services, d => d.ServiceType == typeof(IConnectionListenerFactory));
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.IsType<FioMemoryPool>(provider.GetRequiredService<IMemoryPoolFactory<byte>>().Create());
        Assert.Throws<ArgumentNullException>(() => FioMemoryPoolServiceCollectionExtensions.AddFioMemoryPool(null!));
    }

    private static async Task<WebApplication> StartServerAsync(bool useFioMem, Action<KestrelServerOptions>? listen = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(listen ?? (kestrel => kestrel.Listen(IPAddress.Loopback, 0)));
        if (useFioMem)
            builder.Services.AddFioMemoryPool();
        WebApplication app = builder.Build();
        app.MapPost("/echo", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/octet-stream";
            await context.Request.Body.CopyToAsync(context.Response.Body);
        });
        app.MapGet("/pattern", async (HttpContext context) =>
        {
            // Written in pieces that do not line up with the 4 KiB segments, flushed twice: multi-segment sends.
            byte[] piece = new byte[7 * 1024 + 3];
            for (int offset = 0; offset < PatternLength; offset += piece.Length)
            {
                int length = Math.Min(piece.Length, PatternLength - offset);
                for (int i = 0; i < length; i++)
                    piece[i] = (byte)((offset + i) * 7);
                await context.Response.Body.WriteAsync(piece.AsMemory(0, length));
                if (offset == 70 * 1024 || offset == 0)
                    await context.Response.Body.FlushAsync();
            }
        });
        await app.StartAsync();
        return app;
    }

    private const int PatternLength = 300 * 1024;

    private static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task EchoRoundTripsAsync(WebApplication app, int requests)
    {
        string address = AddressOf(app);
        Assert.StartsWith("http://127.0.0.1:", address);
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var random = new Random(16);
        for (int i = 0; i < requests; i++)
        {
            byte[] body = new byte[BodySize];
            random.NextBytes(body);
            using HttpResponseMessage response = await client.PostAsync("/echo", new ByteArrayContent(body));
            response.EnsureSuccessStatusCode();
            byte[] echoed = await response.Content.ReadAsByteArrayAsync();
            Assert.True(body.AsSpan().SequenceEqual(echoed), $"request {i}: the echo differs from the body sent");
        }
    }

    private sealed class OtherFactory : IMemoryPoolFactory<byte>
    {
        public System.Buffers.MemoryPool<byte> Create(MemoryPoolOptions? options = null) => System.Buffers.MemoryPool<byte>.Shared;
    }
}
