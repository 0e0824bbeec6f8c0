// The same scenarios against Kestrel's socket transport and FioMem's: what a client and the application observe must
// match (status, bytes, how the connection ends, Error-level logs, back-pressure, buffers held per slow connection).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Xunit;

namespace FioMem.AspNetCore.Tests.Conformance;

public class TransportConformanceTests
{
    /// <summary>How long any one step may take before the scenario counts as hung: far past what a loaded machine needs.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static TheoryData<TransportKind> Transports => new() { TransportKind.Kestrel, TransportKind.FioMem };

    /// <summary>Raw requests and the status and body each must get; every one ends with the server closing.</summary>
    private static readonly (string Name, string Request, int Status, string? Body)[] s_requests =
    [
        ("plain GET", "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 200, "Hello"),
        ("HTTP/1.0", "GET /hello HTTP/1.0\r\n\r\n", 200, "Hello"),
        ("unknown path", "GET /nowhere HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404, ""),
        ("POST echo", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde", 200, "abcde"),
        ("chunked echo", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 200, "abcde"),
        ("no Host", "GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n", 400, ""),
        ("garbage request line", "GARBAGE\r\n\r\n", 400, ""),
        ("bad version", "GET /hello HTTP/7.3\r\nHost: a\r\n\r\n", 505, ""),
        ("bad Content-Length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400, ""),
        ("bad chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n", 400, ""),
        ("header line without colon", "GET /hello HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400, ""),
        ("headers too large", "GET /hello HTTP/1.1\r\nHost: a\r\nX-Pad: " + new string('p', 40_000) + "\r\n\r\n", 431, ""),
        ("request line too long", "GET /" + new string('u', 10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414, ""),
    ];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Normal_and_malformed_requests_get_Kestrels_status_and_body_and_a_close(TransportKind kind)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind);
        var failures = new List<string>();
        foreach ((string name, string request, int status, string? body) in s_requests)
        {
            using Socket socket = await ConnectAsync(server);
            await socket.SendAsync(Encoding.ASCII.GetBytes(request));
            // The server closes after each of these; reading to the end proves it.
            string response = Encoding.ASCII.GetString(await ReadToEndAsync(socket));
            int gotStatus = int.Parse(response.AsSpan(9, 3));
            int headEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            string gotBody = response[(headEnd + 4)..];
            if (response[..headEnd].Contains("Transfer-Encoding: chunked", StringComparison.Ordinal))
                gotBody = Dechunk(gotBody);
            if (gotStatus != status || (body is not null && gotBody != body))
                failures.Add($"{name}: {gotStatus} '{gotBody}', expected {status} '{body}'");
        }
        Assert.Empty(failures);
        await server.DisposeAsync();
        // The one Error line Kestrel logs here is the application's: the echo handler's read of the bad chunk throws.
        string[] errors = server.Logs.Errors;
        Assert.True(errors.Length == 1 && errors[0].EndsWith("An unhandled exception was thrown by the application. BadHttpRequestException: Bad chunk size data.", StringComparison.Ordinal),
            string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_one_MiB_echo_arrives_intact_with_and_without_a_length(TransportKind kind)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind);
        using var client = new HttpClient { BaseAddress = new Uri($"http://{server.EndPoint}") };
        byte[] body = RandomNumberGenerator.GetBytes(1 << 20);
        foreach (bool chunked in new[] { false, true })
        {
            HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            if (chunked)
                content.Headers.ContentLength = null;
            using HttpResponseMessage response = await client.PostAsync("/echo", content);
            byte[] echoed = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(SHA256.HashData(body), SHA256.HashData(echoed));
        }
        // The server counted its buffers where the scenarios below look.
        Assert.True(server.Rentals > 0);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_client_reset_mid_download_is_a_quiet_disconnect(TransportKind kind)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind);
        for (int attempt = 0; attempt < 30; attempt++)
        {
            HandlerReport report = server.NewReport();
            using (Socket socket = await ConnectAsync(server))
            {
                await socket.SendAsync("GET /download HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
                await ReadAtLeastAsync(socket, 256 * 1024);
                if (attempt % 2 == 1)
                    await report.Blocked.Task.WaitAsync(Patience);
                // Linger 0: the close is a reset.
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            await report.Finished.Task.WaitAsync(Patience);
            // The writes end quietly first; RequestAborted follows once the transport has seen the reset.
            await report.Aborted.Task.WaitAsync(Patience);
            Assert.True(report.WriteError is null, $"attempt {attempt}: the application's write threw {report.WriteError}");
            Assert.True(report.BytesWritten < ConformanceServer.DownloadLength);
        }
        await server.DisposeAsync();
        Assert.True(server.Logs.Errors.Length == 0, string.Join("\n", server.Logs.Errors));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_half_close_during_a_response_ends_it_with_a_FIN_after_the_bytes_already_sent(TransportKind kind)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            HandlerReport report = server.NewReport();
            using Socket socket = await ConnectAsync(server);
            await socket.SendAsync("GET /download HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
            byte[] first = await ReadAtLeastAsync(socket, 128 * 1024);
            Assert.StartsWith("HTTP/1.1 200 OK", Encoding.ASCII.GetString(first, 0, 15));
            // Then the client reads nothing until the server's writes wait for it again, and closes its side.
            for (int wait = 0; report.WriteWaiting == 0; wait++)
            {
                Assert.True(wait < Patience.TotalMilliseconds / 10, "the server's writes never waited");
                await Task.Delay(10);
            }
            socket.Shutdown(SocketShutdown.Send);
            // Kestrel ends the response there (HTTP/1.1 has no half-close) but lets what it sent arrive, then a FIN:
            // no reset.
            await ReadToEndAsync(socket);
            await report.Finished.Task.WaitAsync(Patience);
            await report.Aborted.Task.WaitAsync(Patience);
            Assert.Null(report.WriteError);
        }
        await server.DisposeAsync();
        Assert.True(server.Logs.Errors.Length == 0, string.Join("\n", server.Logs.Errors));
    }

    [Theory]
    [InlineData(TransportKind.Kestrel, 64 * 1024)]
    [InlineData(TransportKind.FioMem, 64 * 1024)]
    [InlineData(TransportKind.Kestrel, 16 << 20)]
    [InlineData(TransportKind.FioMem, 16 << 20)]
    public async Task MaxReadBufferSize_bounds_the_unread_request_bytes_taken_in(TransportKind kind, int maxReadBufferSize)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind, o => o.MaxReadBufferSize = maxReadBufferSize);
        server.NewReport();
        using Socket socket = await ConnectAsync(server);
        socket.SendBufferSize = 64 * 1024;
        await socket.SendAsync("POST /hold HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000\r\n\r\n"u8.ToArray());
        // Send until the server stops taking bytes (no room for a second), then see how many it took.
        socket.Blocking = false;
        byte[] chunk = new byte[16 * 1024];
        long accepted = 0;
        while (accepted < 64 << 20 && socket.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectWrite))
        {
            try
            {
                accepted += socket.Send(chunk);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
            }
        }
        // Socket buffers on both ends add a few hundred KiB on loopback to what the server holds.
        if (maxReadBufferSize < 1 << 20)
            Assert.True(accepted < 1 << 20, $"{accepted} bytes taken in with MaxReadBufferSize {maxReadBufferSize}");
        else
            Assert.True(accepted > maxReadBufferSize / 2, $"only {accepted} bytes taken in with MaxReadBufferSize {maxReadBufferSize}");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_client_sending_headers_a_byte_at_a_time_holds_buffers_in_proportion_to_its_bytes(TransportKind kind)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind);
        long before = server.OutstandingBuffers;
        using Socket socket = await ConnectAsync(server);
        byte[] head = Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\nHost: a\r\nX-Pad: " + new string('p', 6_000));
        // One byte per send and a pause now and then, so the server receives in many small pieces.
        for (int i = 0; i < head.Length; i++)
        {
            socket.Send(head.AsSpan(i, 1));
            if (i % 25 == 0)
                await Task.Delay(1);
        }
        // Any byte still on its way makes the count only smaller, never larger.
        long held = server.OutstandingBuffers - before;
        // Half a 4 KiB segment filled at least, plus a few segments of slack (the output pipe, a segment being filled).
        long bound = head.Length / 2048 + 4;
        Assert.True(held <= bound, $"{held} buffers held for {head.Length} header bytes (bound {bound})");
        await socket.SendAsync("\r\n\r\n"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(await ReadAtLeastAsync(socket, 12)));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_body_the_handler_has_not_read_arriving_a_byte_at_a_time_holds_buffers_in_proportion_to_its_bytes(TransportKind kind)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind);
        HandlerReport report = server.NewReport();
        using Socket socket = await ConnectAsync(server);
        const int BodyLength = 8_000;
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /hold HTTP/1.1\r\nHost: a\r\nContent-Length: {BodyLength}\r\n\r\n"));
        long before = server.OutstandingBuffers;
        for (int i = 0; i < BodyLength; i++)
        {
            socket.Send("b"u8);
            if (i % 25 == 0)
                await Task.Delay(1);
        }
        long held = server.OutstandingBuffers - before;
        long bound = BodyLength / 2048 + 4;
        Assert.True(held <= bound, $"{held} buffers held for {BodyLength} unread body bytes (bound {bound})");
        server.Release.TrySetResult();
        await report.Finished.Task.WaitAsync(Patience);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_connection_waiting_for_the_application_holds_its_bytes_on_Kestrel_and_no_buffer_on_FioMem(TransportKind kind)
    {
        await using ConformanceServer server = await ConformanceServer.StartAsync(kind);
        server.HeldConnections = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long before = await SettledOutstandingAsync(server);
        using Socket socket = await ConnectAsync(server);
        const int BodyLength = 64 * 1024;
        byte[] body = RandomNumberGenerator.GetBytes(BodyLength);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: {BodyLength}\r\n\r\n"));
        await socket.SendAsync(body);
        // Kestrel's transport receives as it accepts: the request waits in its pipe. FioMem's receives once the
        // application first reads: the request waits in the socket's buffer. (Kestrel's receives get up to 30 s on a
        // loaded machine; FioMem's absence of buffers is looked for over 200 ms.)
        long held = 0;
        for (int i = 0; i < 1500 && (kind == TransportKind.FioMem ? i < 10 : held < BodyLength / 4096); i++)
        {
            await Task.Delay(20);
            held = server.OutstandingBuffers - before;
        }
        if (kind == TransportKind.FioMem)
            Assert.True(held == 0, $"{held} buffers held by a connection the application has not read");
        else
            Assert.True(held >= BodyLength / 4096, $"only {held} buffers held by a connection whose {BodyLength} body bytes were sent");
        // Once the application reads, the request is served as usual.
        server.HeldConnections.TrySetResult();
        var response = new List<byte>();
        int headEnd = -1;
        while (headEnd < 0 || response.Count < headEnd + BodyLength)
        {
            byte[] more = await ReadAtLeastAsync(socket, 1);
            Assert.True(more.Length > 0, "the server closed the connection before the whole echo arrived");
            response.AddRange(more);
            if (headEnd < 0 && response.Count >= 4)
            {
                int at = Encoding.ASCII.GetString(response.ToArray()).IndexOf("\r\n\r\n", StringComparison.Ordinal);
                headEnd = at < 0 ? -1 : at + 4;
            }
        }
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(response.ToArray(), 0, headEnd));
        Assert.Equal(body, response.GetRange(headEnd, BodyLength).ToArray());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task WaitForDataBeforeAllocatingBuffer_decides_whether_an_idle_connection_holds_a_buffer(TransportKind kind)
    {
        foreach (bool waitForData in new[] { true, false })
        {
            await using ConformanceServer server = await ConformanceServer.StartAsync(kind, o => o.WaitForDataBeforeAllocatingBuffer = waitForData);
            var sockets = new List<Socket>();
            for (int i = 0; i < 4; i++)
            {
                Socket socket = await ConnectAsync(server);
                await socket.SendAsync("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
                await ReadAtLeastAsync(socket, 12);
                sockets.Add(socket);
            }
            // Each of the four waits for its next request; the buffer each holds, if any, is its pending receive's.
            long held = await SettledOutstandingAsync(server);
            foreach (Socket socket in sockets)
                socket.Dispose();
            if (waitForData)
                Assert.True(held == 0, $"{held} buffers held by 4 idle connections");
            else
                Assert.True(held >= 4, $"{held} buffers held by 4 idle connections that receive without waiting for data");
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NoDelay_reaches_the_accepted_sockets(TransportKind kind)
    {
        foreach (bool noDelay in new[] { true, false })
        {
            await using ConformanceServer server = await ConformanceServer.StartAsync(kind, o => o.NoDelay = noDelay);
            using var client = new HttpClient { BaseAddress = new Uri($"http://{server.EndPoint}") };
            Assert.Equal(noDelay.ToString(), await client.GetStringAsync("/nodelay"));
        }
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        int at = 0;
        while (true)
        {
            int lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            int size = Convert.ToInt32(chunked[at..lineEnd], 16);
            if (size == 0)
                return body.ToString();
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static async Task<long> SettledOutstandingAsync(ConformanceServer server)
    {
        // The last response's buffers go back just after it is sent: wait until the count stops moving.
        long last = -1;
        for (int i = 0; i < 50; i++)
        {
            long now = server.OutstandingBuffers;
            if (now == last)
                return now;
            last = now;
            await Task.Delay(20);
        }
        return last;
    }

    private static async Task<Socket> ConnectAsync(ConformanceServer server)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = (int)Patience.TotalMilliseconds };
        await socket.ConnectAsync(server.EndPoint);
        return socket;
    }

    private static async Task<byte[]> ReadAtLeastAsync(Socket socket, int length)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        while (received.Length < length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Patience);
            if (read == 0)
                break;
            received.Write(buffer, 0, read);
        }
        return received.ToArray();
    }

    /// <summary>Reads until the server's FIN; a reset fails the read.</summary>
    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Patience);
            }
            catch (SocketException e)
            {
                throw new IOException($"the connection ended with {e.SocketErrorCode} after {received.Length} bytes, not with a FIN", e);
            }
            if (read == 0)
                return received.ToArray();
            received.Write(buffer, 0, read);
        }
    }
}
