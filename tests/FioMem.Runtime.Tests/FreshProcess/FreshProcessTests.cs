// What only a fresh process shows: the first allocation's side effects, and whole-process figures.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace FioMem.Tests.FreshProcess;

public class FreshProcessTests
{
    [Fact]
    public void A_program_that_only_makes_small_allocations_publishes_the_meter()
    {
        Output output = Probe.Run("meter");
        string instruments = output["instruments"];
        foreach (string name in FioMemoryMetrics.InstrumentNames)
            Assert.Contains("FioMem/" + name, instruments);
    }

    [Fact]
    public void Running_out_of_blocks_names_the_size_asked_for_and_leaves_every_allocation_freeable()
    {
        Output output = Probe.Run("out-of-memory", ("FIOMEM_RESERVE_BYTES", "524288"));
        Assert.Equal("System.OutOfMemoryException", output["exception"]);
        Assert.Contains("could not allocate 40000 bytes", output["message"]);
        Assert.Contains("FioMem.ReserveBytes", output["message"]);
        Assert.NotEqual("0", output["allocated"]);
        Assert.Equal(output["allocated"], output["freed"]);
        Assert.Equal("True", output["allocated again"]);
    }

    [Theory]
    [InlineData("FIOMEM_MAX_POOLED_BLOCKS", "lots", "FioMem.MaxPooledBlocks")]
    [InlineData("FIOMEM_CHECKED", "maybe", "FioMem.Checked")]
    [InlineData("FIOMEM_RESERVE_BYTES", "12", "FioMem.ReserveBytes")]
    public void A_malformed_setting_is_named_by_every_allocation(string variable, string value, string setting)
    {
        Output output = Probe.Run("first-allocation", (variable, value));
        // Three allocations (small, large, long-lived): each throws the setting's own error, not a type initializer's.
        Assert.Equal(3, output.Lines.FindAll(line => line.Key == "exception").Count);
        foreach (var (key, text) in output.Lines)
        {
            if (key == "exception")
                Assert.Equal("System.InvalidOperationException", text);
            if (key == "message")
            {
                Assert.Contains(setting, text);
                Assert.Contains(variable, text);
                Assert.Contains($"'{value}'", text);
            }
        }
    }

    [Fact]
    public void A_large_long_lived_allocation_takes_memory_only_as_it_is_touched()
    {
        if (!OperatingSystem.IsLinux())
            return;
        Output output = Probe.Run("long-lived-rss");
        Assert.Equal("True", output["zero"]);
        long growthKiB = long.Parse(output["resident-growth-kib"]);
        Assert.True(growthKiB < 64 * 1024, $"resident memory grew by {growthKiB} KiB for a 512 MiB long-lived allocation");
    }

    /// <summary>Starts tests/FioMem.Runtime.Probe (built before the tests) and reads its "key: value" lines.</summary>
    private static class Probe
    {
        public static Output Run(string scenario, params (string Name, string Value)[] environment)
        {
            // bin/<Configuration>/net10.0 of this test project, then over to the probe's.
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = testBin.Parent!.Name;
            string probe = Path.GetFullPath(Path.Combine(testBin.FullName, "../../../../FioMem.Runtime.Probe/bin", configuration, testBin.Name, "FioMem.Runtime.Probe.dll"));
            Assert.True(File.Exists(probe), $"the probe is built before the tests: {probe}");
            string? host = Environment.ProcessPath;
            var start = new ProcessStartInfo(host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(probe);
            start.ArgumentList.Add(scenario);
            foreach (string name in new List<string>(start.Environment.Keys))
            {
                if (name.StartsWith("FIOMEM_", StringComparison.OrdinalIgnoreCase))
                    start.Environment.Remove(name);
            }
            foreach (var (name, value) in environment)
                start.Environment[name] = value;
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"probe {scenario} exited with {process.ExitCode}: {stderr}");
            return new Output(stdout);
        }
    }

    /// <summary>The probe's lines, by key (the last of a repeated key) and in order.</summary>
    private sealed class Output : Dictionary<string, string>
    {
        public Output(string text)
        {
            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon < 0)
                    continue;
                var entry = (line[..colon], line[(colon + 2)..]);
                Lines.Add(entry);
                this[entry.Item1] = entry.Item2;
            }
        }

        public List<(string Key, string Text)> Lines { get; } = new();
    }
}
