// System.IO.Pipelines over FioMemoryPool: segments are FioMem memory and the bytes arrive intact across threads.
using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace FioMem.AspNetCore.Tests;

public class PipelinesTests
{
    [Fact]
    public async Task A_pipe_moves_data_intact_through_FioMem_segments_between_threads()
    {
        byte[] data = new byte[3 << 20];
        new Random(14).NextBytes(data);
        var pipe = new Pipe(new PipeOptions(pool: FioMemoryPool.Shared, minimumSegmentSize: 4096, useSynchronizationContext: false));
        long rentalsBefore = FioMemory.GetStatistics().MemoryPoolRentals;

        Task writer = Task.Factory.StartNew(async () =>
        {
            var sizes = new Random(7);
            int written = 0;
            while (written < data.Length)
            {
                int chunk = Math.Min(data.Length - written, sizes.Next(1, 20_000));
                Memory<byte> target = pipe.Writer.GetMemory(chunk);
                data.AsMemory(written, chunk).CopyTo(target);
                pipe.Writer.Advance(chunk);
                written += chunk;
                await pipe.Writer.FlushAsync();
            }
            await pipe.Writer.CompleteAsync();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

        byte[] received = new byte[data.Length];
        int read = 0;
        int foreignSegments = 0;
        await Task.Factory.StartNew(async () =>
        {
            while (true)
            {
                ReadResult result = await pipe.Reader.ReadAsync();
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    if (!MemoryMarshal.TryGetMemoryManager<byte, MemoryManager<byte>>(segment, out var manager)
                        || manager.GetType().Assembly != typeof(FioMemoryPool).Assembly)
                        foreignSegments++;
                    segment.Span.CopyTo(received.AsSpan(read));
                    read += segment.Length;
                }
                pipe.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                    break;
            }
            await pipe.Reader.CompleteAsync();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        await writer;

        Assert.Equal(data.Length, read);
        Assert.True(data.AsSpan().SequenceEqual(received), "the bytes read differ from the bytes written");
        Assert.Equal(0, foreignSegments);
        // At least one segment per 4 KiB written went through the pool.
        Assert.True(FioMemory.GetStatistics().MemoryPoolRentals - rentalsBefore >= data.Length / 20_000,
            "the pipe rented its segments from FioMemoryPool");
        Assert.Equal(0, FioMemory.GetStatistics().MemoryPoolBuffers);
    }
}
