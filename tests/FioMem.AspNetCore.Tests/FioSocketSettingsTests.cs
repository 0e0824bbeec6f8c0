// SocketTransportOptions reach the pipes of FioMem's transport as they reach Kestrel's: the settings a listener builds.
using System;
using System.IO.Pipelines;
using System.Linq;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Xunit;

namespace FioMem.AspNetCore.Tests;

public class FioSocketSettingsTests
{
    [Fact]
    public void The_defaults_are_Kestrels_buffer_limits_on_IOQueues()
    {
        var settings = new FioSocketSettings(new SocketTransportOptions(), FioMemoryPool.Shared);
        (PipeOptions input, PipeOptions output) = settings.NextQueue();
        Assert.Equal(1024 * 1024, input.PauseWriterThreshold);
        Assert.Equal(512 * 1024, input.ResumeWriterThreshold);
        Assert.Equal(64 * 1024, output.PauseWriterThreshold);
        Assert.Same(PipeScheduler.ThreadPool, input.ReaderScheduler);
        Assert.IsType<IOQueue>(input.WriterScheduler);
        Assert.Same(input.WriterScheduler, output.ReaderScheduler);
        Assert.Same(FioMemoryPool.Shared, input.Pool);
        Assert.True(settings.WaitForData);
        Assert.True(settings.NoDelay);
        Assert.Equal(512, settings.Backlog);
    }

    [Fact]
    public void Buffer_sizes_of_null_or_zero_mean_no_back_pressure()
    {
        var settings = new FioSocketSettings(new SocketTransportOptions { MaxReadBufferSize = null, MaxWriteBufferSize = 0 }, FioMemoryPool.Shared);
        (PipeOptions input, PipeOptions output) = settings.NextQueue();
        Assert.Equal(0, input.PauseWriterThreshold);
        Assert.Equal(0, output.PauseWriterThreshold);
    }

    [Fact]
    public void Connections_take_the_IOQueues_in_turn()
    {
        var settings = new FioSocketSettings(new SocketTransportOptions { IOQueueCount = 3 }, FioMemoryPool.Shared);
        PipeScheduler[] schedulers = Enumerable.Range(0, 6).Select(_ => settings.NextQueue().Input.WriterScheduler).ToArray();
        Assert.Equal(3, schedulers.Distinct().Count());
        Assert.Same(schedulers[0], schedulers[3]);
    }

    [Fact]
    public void IOQueueCount_zero_runs_the_transport_side_on_the_thread_pool()
    {
        var settings = new FioSocketSettings(new SocketTransportOptions { IOQueueCount = 0 }, FioMemoryPool.Shared);
        (PipeOptions input, PipeOptions output) = settings.NextQueue();
        Assert.Same(PipeScheduler.ThreadPool, input.WriterScheduler);
        Assert.Same(PipeScheduler.ThreadPool, output.ReaderScheduler);
    }

    [Fact]
    public void UnsafePreferInlineScheduling_runs_both_sides_inline()
    {
        var settings = new FioSocketSettings(new SocketTransportOptions { UnsafePreferInlineScheduling = true }, FioMemoryPool.Shared);
        (PipeOptions input, PipeOptions output) = settings.NextQueue();
        Assert.Same(PipeScheduler.Inline, input.ReaderScheduler);
        Assert.Same(PipeScheduler.Inline, input.WriterScheduler);
        Assert.Same(PipeScheduler.Inline, output.ReaderScheduler);
        Assert.Same(PipeScheduler.Inline, output.WriterScheduler);
    }

    [Fact]
    public void Negative_sizes_and_counts_are_rejected_by_name()
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FioSocketSettings(new SocketTransportOptions { MaxReadBufferSize = -1 }, FioMemoryPool.Shared));
        Assert.Contains("MaxReadBufferSize", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FioSocketSettings(new SocketTransportOptions { IOQueueCount = -2 }, FioMemoryPool.Shared));
        Assert.Contains("IOQueueCount", e.Message);
    }
}
