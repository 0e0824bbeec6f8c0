// AddFioMemoryPool's settings in a process whose FioMem has already read its own (this project's runtimeconfig sets
// FioMem.TrimDelay to 250 ms): binding, validation, conflicts, the start-up log line and configuration reloads.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace FioMem.AspNetCore.Tests.Settings;

public class SettingsTests
{
    private static readonly TimeSpan ProjectTrimDelay = TimeSpan.FromMilliseconds(250);

    public SettingsTests() => Assert.Equal(ProjectTrimDelay, FioMemorySettings.TrimDelay); // reads this process's settings

    [Fact]
    public async Task The_host_logs_one_line_with_the_settings_in_effect_when_it_starts()
    {
        var log = new LogCapture();
        using IHost host = BuildHost([], services => services.AddFioMemoryPool(), log);
        await host.StartAsync();
        await host.StopAsync();

        string line = Assert.Single(log.Messages(LogLevel.Information));
        Assert.StartsWith("FioMem is active: Kestrel's transport buffers come from FioMemoryPool", line);
        Assert.Contains($"checked mode {(FioMemorySettings.Checked ? "on" : "off")}", line);
        Assert.Contains($"pool cap {FioMemorySettings.MaxPooledBlocks} blocks", line);
        Assert.Contains("idle trim after 250 ms unused", line);
        Assert.Contains("set by the host: none; by environment variables: ", line);
        Assert.Empty(log.Messages(LogLevel.Warning));
    }

    [Fact]
    public async Task A_setting_equal_to_the_one_in_effect_is_accepted_after_first_use()
    {
        var log = new LogCapture();
        using IHost host = BuildHost([], services => services.AddFioMemoryPool(o => o.TrimDelay = ProjectTrimDelay), log);
        await host.StartAsync();
        await host.StopAsync();

        Assert.Contains("set by the host: TrimDelay", Assert.Single(log.Messages(LogLevel.Information)));
    }

    [Fact]
    public async Task A_setting_that_differs_from_the_one_already_in_effect_fails_the_start()
    {
        bool asked = !FioMemorySettings.Checked;
        using IHost host = BuildHost([], services => services.AddFioMemoryPool(o => o.Checked = asked), new LogCapture());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("FioMem read its settings before the host could apply its own", e.Message);
        Assert.Contains($"FioMem:Checked is {(asked ? "false" : "true")} in effect, {(asked ? "true" : "false")} asked for", e.Message);
        Assert.NotEqual(asked, FioMemorySettings.Checked);
    }

    [Fact]
    public void The_first_pool_applies_the_settings_when_there_is_no_host()
    {
        var services = new ServiceCollection().AddFioMemoryPool(o => o.MaxPooledBlocks = FioMemorySettings.MaxPooledBlocks + 1);
        using ServiceProvider provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IMemoryPoolFactory<byte>>();

        var e = Assert.Throws<InvalidOperationException>(() => factory.Create());
        Assert.Contains("FioMem:MaxPooledBlocks", e.Message);
    }

    [Fact]
    public void The_FioMem_section_of_the_hosts_configuration_is_bound_without_being_asked()
    {
        using IHost host = BuildHost(new()
        {
            ["FioMem:Checked"] = "true",
            ["FioMem:MaxPooledBlocks"] = "77",
            ["FioMem:ReserveBytes"] = "1073741824",
            ["FioMem:PortableMemory"] = "false",
            ["FioMem:TrimDelay"] = "00:00:02",
        }, services => services.AddFioMemoryPool(), new LogCapture());

        FioMemOptions options = host.Services.GetRequiredService<IOptions<FioMemOptions>>().Value;
        Assert.Equal(true, options.Checked);
        Assert.Equal(77, options.MaxPooledBlocks);
        Assert.Equal(1L << 30, options.ReserveBytes);
        Assert.Equal(false, options.PortableMemory);
        Assert.Equal(TimeSpan.FromSeconds(2), options.TrimDelay);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("On", true)]
    [InlineData("1", true)]
    [InlineData("no", false)]
    [InlineData("OFF", false)]
    [InlineData("0", false)]
    public void A_switch_in_configuration_takes_the_words_the_environment_takes(string text, bool expected)
    {
        using IHost host = BuildHost(new() { ["FioMem:Checked"] = text, ["FioMem:PortableMemory"] = text },
            services => services.AddFioMemoryPool(), new LogCapture());

        FioMemOptions options = host.Services.GetRequiredService<IOptions<FioMemOptions>>().Value;
        Assert.Empty(options.ConfigurationErrors);
        Assert.Equal(expected, options.Checked);
        Assert.Equal(expected, options.PortableMemory);
        Assert.Equal(expected, FioMemoryOptions.ParseBoolean(FioMemoryOptions.CheckedName, FioMemoryOptions.CheckedVariable, text));
    }

    [Fact]
    public void Settings_left_out_stay_null_so_FioMem_keeps_its_own()
    {
        using IHost host = BuildHost(new() { ["FioMem:Checked"] = "true" }, services => services.AddFioMemoryPool(), new LogCapture());

        FioMemOptions options = host.Services.GetRequiredService<IOptions<FioMemOptions>>().Value;
        Assert.Null(options.MaxPooledBlocks);
        Assert.Null(options.ReserveBytes);
        Assert.Null(options.PortableMemory);
        Assert.Null(options.TrimDelay);
    }

    [Fact]
    public void Code_wins_over_the_configuration_section()
    {
        using IHost host = BuildHost(new() { ["FioMem:TrimDelay"] = "00:00:09", ["FioMem:MaxPooledBlocks"] = "5" },
            services => services.AddFioMemoryPool(o => o.TrimDelay = ProjectTrimDelay), new LogCapture());

        FioMemOptions options = host.Services.GetRequiredService<IOptions<FioMemOptions>>().Value;
        Assert.Equal(ProjectTrimDelay, options.TrimDelay);
        Assert.Equal(5, options.MaxPooledBlocks);
    }

    [Fact]
    public void A_section_given_explicitly_replaces_the_hosts_FioMem_section()
    {
        IConfiguration other = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Memory:Native:MaxPooledBlocks"] = "9",
        }).Build();
        using IHost host = BuildHost(new() { ["FioMem:MaxPooledBlocks"] = "5", ["FioMem:Checked"] = "true" },
            services => services.AddFioMemoryPool(other.GetSection("Memory:Native")), new LogCapture());

        FioMemOptions options = host.Services.GetRequiredService<IOptions<FioMemOptions>>().Value;
        Assert.Equal(9, options.MaxPooledBlocks);
        Assert.Null(options.Checked);
    }

    [Theory]
    [InlineData("FioMem:Checkd", "true", "FioMem:Checkd is not a FioMem setting; the settings are Checked, MaxPooledBlocks, ReserveBytes, PortableMemory, TrimDelay.")]
    [InlineData("FioMem:Checked", "maybe", "FioMem:Checked must be true or false (or 1/0, yes/no, on/off); got 'maybe'.")]
    [InlineData("FioMem:MaxPooledBlocks", "lots", "FioMem:MaxPooledBlocks must be an integer up to 2147483647; got 'lots'.")]
    [InlineData("FioMem:MaxPooledBlocks", "-1", "FioMem:MaxPooledBlocks must be 0 or more; got -1.")]
    [InlineData("FioMem:ReserveBytes", "4096", "FioMem:ReserveBytes must be at least 524288 (four blocks); got 4096.")]
    [InlineData("FioMem:TrimDelay", "5000", "FioMem:TrimDelay must be a time span such as \"00:00:05\" (five seconds); got '5000'.")]
    [InlineData("FioMem:TrimDelay", "-00:00:01", "FioMem:TrimDelay must be from 00:00:00 to 24.20:31:23.6460000; got -00:00:01.")]
    [InlineData("FioMem:TrimDelay", "00:00:00.0005", "FioMem:TrimDelay must be whole milliseconds; got 00:00:00.0005000.")]
    [InlineData("FioMem:TrimDelay:Seconds", "5", "FioMem:TrimDelay must be a value, not a section.")]
    public async Task A_bad_value_in_configuration_fails_the_start_naming_it(string key, string value, string message)
    {
        using IHost host = BuildHost(new() { [key] = value }, services => services.AddFioMemoryPool(), new LogCapture());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Equal("FioMem's settings are not valid: " + message, e.Message);
    }

    [Fact]
    public async Task A_setting_changed_in_configuration_after_the_start_is_a_warning_and_changes_nothing()
    {
        var log = new LogCapture();
        using IHost host = BuildHost(new() { ["FioMem:TrimDelay"] = "00:00:00.250" }, services => services.AddFioMemoryPool(), log);
        await host.StartAsync();
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();

        configuration["FioMem:TrimDelay"] = "00:00:03";
        configuration.Reload();
        configuration["FioMem:Checked"] = "sometimes";
        configuration.Reload();
        await host.StopAsync();

        Assert.Equal(
        [
            "FioMem:TrimDelay changed to 00:00:03 after FioMem read its settings; it keeps 00:00:00.2500000 until the process restarts",
            "FioMem's configuration changed to something it cannot use, and is ignored until the process restarts: FioMem:Checked must be true or false (or 1/0, yes/no, on/off); got 'sometimes'.",
        ], log.Messages(LogLevel.Warning));
        Assert.Equal(ProjectTrimDelay, FioMemorySettings.TrimDelay);
    }

    [Fact]
    public void AddFioMemoryPool_rejects_null_arguments()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>("configure", () => services.AddFioMemoryPool((Action<FioMemOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => services.AddFioMemoryPool((IConfiguration)null!));
        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddFioMemoryPool(o => { }));
    }

    internal static IHost BuildHost(Dictionary<string, string?> configuration, Action<IServiceCollection> addFioMem, LogCapture log)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddProvider(log);
        addFioMem(builder.Services);
        return builder.Build();
    }
}
