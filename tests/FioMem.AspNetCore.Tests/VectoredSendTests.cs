// The transport's gathering send from native segments (Linux): intact bytes, never a wait, errors as Socket's.
using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Xunit;

namespace FioMem.AspNetCore.Tests;

public class VectoredSendTests
{
    [Fact]
    public async Task Segments_of_FioMem_memory_arrive_intact_in_order()
    {
        if (!VectoredSend.IsSupported)
            return;
        (Socket sender, Socket receiver) = await ConnectedPairAsync();
        using (sender)
        using (receiver)
        {
            byte[] data = RandomNumberGenerator.GetBytes(40_000);
            var pipe = new Pipe(new PipeOptions(FioMemoryPool.CreateUncleared(), pauseWriterThreshold: 0));
            // Written in pieces of at most one segment, so the sequence spans about ten.
            for (int at = 0; at < data.Length; at += 3000)
            {
                ReadOnlySpan<byte> piece = data.AsSpan(at, Math.Min(3000, data.Length - at));
                piece.CopyTo(pipe.Writer.GetSpan(piece.Length));
                pipe.Writer.Advance(piece.Length);
            }
            await pipe.Writer.FlushAsync();
            ReadResult read = await pipe.Reader.ReadAsync();
            Assert.False(read.Buffer.IsSingleSegment);
            ReadOnlySequence<byte> rest = read.Buffer;
            while (!rest.IsEmpty)
            {
                int sent = VectoredSend.TrySend(sender, rest);
                Assert.True(sent > 0, $"sent {sent} to a peer with room");
                rest = rest.Slice(sent);
            }
            pipe.Reader.AdvanceTo(read.Buffer.End);
            byte[] received = new byte[data.Length];
            int total = 0;
            while (total < received.Length)
                total += await receiver.ReceiveAsync(received.AsMemory(total));
            Assert.Equal(data, received);
        }
    }

    [Fact]
    public async Task A_full_send_buffer_returns_zero_instead_of_waiting()
    {
        if (!VectoredSend.IsSupported)
            return;
        (Socket sender, Socket receiver) = await ConnectedPairAsync();
        using (sender)
        using (receiver)
        {
            using IMemoryOwner<byte> first = FioMemoryPool.Shared.Rent(64 * 1024);
            using IMemoryOwner<byte> second = FioMemoryPool.Shared.Rent(64 * 1024);
            ReadOnlySequence<byte> data = TwoSegments(first.Memory, second.Memory);
            // The receiver reads nothing: the buffers on both ends fill, and then a send must return, not block.
            long sentTotal = 0;
            int attempts = 0;
            int sent;
            while ((sent = VectoredSend.TrySend(sender, data)) > 0)
            {
                sentTotal += sent;
                Assert.True(++attempts < 100_000, "the send buffer never filled");
            }
            Assert.Equal(0, sent);
            Assert.True(sentTotal > 0);
        }
    }

    [Fact]
    public async Task A_reset_peer_is_a_SocketException_as_from_Socket()
    {
        if (!VectoredSend.IsSupported)
            return;
        (Socket sender, Socket receiver) = await ConnectedPairAsync();
        using (sender)
        {
            receiver.LingerState = new LingerOption(true, 0);
            receiver.Close();
            using IMemoryOwner<byte> first = FioMemoryPool.Shared.Rent(4096);
            using IMemoryOwner<byte> second = FioMemoryPool.Shared.Rent(4096);
            ReadOnlySequence<byte> data = TwoSegments(first.Memory, second.Memory);
            SocketException error = Assert.Throws<SocketException>(() =>
            {
                // The first send after the reset may still be taken; the reset shows by the next one at the latest.
                for (int i = 0; i < 1000; i++)
                    VectoredSend.TrySend(sender, data);
            });
            Assert.Contains(error.SocketErrorCode, new[] { SocketError.ConnectionReset, SocketError.Shutdown });
        }
    }

    [Fact]
    public async Task A_closed_socket_is_an_ObjectDisposedException()
    {
        if (!VectoredSend.IsSupported)
            return;
        (Socket sender, Socket receiver) = await ConnectedPairAsync();
        using (receiver)
        {
            sender.Dispose();
            using IMemoryOwner<byte> first = FioMemoryPool.Shared.Rent(16);
            using IMemoryOwner<byte> second = FioMemoryPool.Shared.Rent(16);
            Assert.Throws<ObjectDisposedException>(() => VectoredSend.TrySend(sender, TwoSegments(first.Memory, second.Memory)));
        }
    }

    private static ReadOnlySequence<byte> TwoSegments(Memory<byte> first, Memory<byte> second)
    {
        var start = new Segment(first, 0);
        Segment end = start.Append(second);
        return new ReadOnlySequence<byte>(start, 0, end, second.Length);
    }

    /// <summary>A loopback connection whose sending end is non-blocking, as .NET makes sockets it runs asynchronous operations on.</summary>
    private static async Task<(Socket Sender, Socket Receiver)> ConnectedPairAsync()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var receiver = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await receiver.ConnectAsync(listener.LocalEndPoint!);
        Socket sender = await listener.AcceptAsync();
        sender.Blocking = false;
        Assert.True(VectoredSend.IsNonBlocking(sender));
        return (sender, receiver);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
