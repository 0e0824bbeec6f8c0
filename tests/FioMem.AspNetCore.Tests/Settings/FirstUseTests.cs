// AddFioMemoryPool's settings reaching a FioMem that has not read its own yet, as in a server that has just started.
using System;
using System.Buffers;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FioMem.AspNetCore.Tests.Settings;

public class FirstUseTests
{
    [Fact]
    public async Task Settings_from_the_hosts_configuration_are_the_ones_FioMem_runs_with()
    {
        using var fioMem = new FreshFioMem();
        var log = new LogCapture();
        using IHost host = SettingsTests.BuildHost(new()
        {
            ["FioMem:Checked"] = "true",
            ["FioMem:MaxPooledBlocks"] = "64",
            ["FioMem:ReserveBytes"] = "67108864",
            ["FioMem:TrimDelay"] = "00:00:01.500",
        }, services => fioMem.AddFioMemoryPool(services), log);
        Assert.False((bool)fioMem.Setting("AreRead"));

        await host.StartAsync();
        using (MemoryPool<byte> pool = host.Services.GetRequiredService<IMemoryPoolFactory<byte>>().Create())
            pool.Rent(100).Dispose();
        await host.StopAsync();

        Assert.True((bool)fioMem.Setting("AreRead"));
        Assert.True((bool)fioMem.Setting("Checked"));
        Assert.Equal(64, fioMem.Setting("MaxPooledBlocks"));
        Assert.Equal(64L << 20, fioMem.Setting("ReserveBytes"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), fioMem.Setting("TrimDelay"));
        Assert.Equal(
            "FioMem is active: Kestrel's transport buffers come from FioMemoryPool; checked mode on, pool cap 64 blocks "
            + "(8 MiB), idle trim after 1500 ms unused, blocks from 64 MiB of reserved address space; "
            + "set by the host: Checked, MaxPooledBlocks, ReserveBytes, TrimDelay; by environment variables: none",
            Assert.Single(log.Messages(LogLevel.Information)));
    }

    [Fact]
    public async Task Registering_reads_nothing_the_start_does()
    {
        using var fioMem = new FreshFioMem();
        using IHost host = SettingsTests.BuildHost(new() { ["FioMem:ReserveBytes"] = "67108864" },
            services => fioMem.AddFioMemoryPool(services), new LogCapture());
        _ = host.Services.GetRequiredService<IMemoryPoolFactory<byte>>();
        Assert.False((bool)fioMem.Setting("AreRead"));

        await host.StartAsync();

        Assert.True((bool)fioMem.Setting("AreRead"));
        Assert.Equal(64L << 20, fioMem.Setting("ReserveBytes"));
        await host.StopAsync();
    }

    [Fact]
    public async Task An_environment_variable_wins_over_configuration_and_the_host_warns()
    {
        using var fioMem = new FreshFioMem();
        var log = new LogCapture();
        using IHost host = SettingsTests.BuildHost(new() { ["FioMem:MaxPooledBlocks"] = "64", ["FioMem:ReserveBytes"] = "67108864" },
            services => fioMem.AddFioMemoryPool(services), log);
        Environment.SetEnvironmentVariable("FIOMEM_MAX_POOLED_BLOCKS", "33");
        try
        {
            await host.StartAsync();
            Assert.Equal(33, fioMem.Setting("MaxPooledBlocks"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("FIOMEM_MAX_POOLED_BLOCKS", null);
        }
        await host.StopAsync();

        Assert.Equal(
            ["The environment variable FIOMEM_MAX_POOLED_BLOCKS sets FioMem's MaxPooledBlocks to 33; the host's FioMem:MaxPooledBlocks = 64 is ignored"],
            log.Messages(LogLevel.Warning));
        Assert.EndsWith("set by the host: ReserveBytes; by environment variables: FIOMEM_MAX_POOLED_BLOCKS",
            Assert.Single(log.Messages(LogLevel.Information)));
    }
}
