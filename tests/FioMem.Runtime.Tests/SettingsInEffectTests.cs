// FioMemorySettings: the settings the allocator runs with, as its statistics and its own options see them.
using Xunit;

namespace FioMem.Tests;

public class SettingsInEffectTests
{
    [Fact]
    public void The_settings_in_effect_are_those_the_allocator_runs_with()
    {
        FioMemoryStatistics statistics = FioMemory.GetStatistics();

        Assert.True(FioMemorySettings.AreRead);
        Assert.Equal(statistics.CheckedMode, FioMemorySettings.Checked);
        Assert.Equal(statistics.MaxPooledBlocks, FioMemorySettings.MaxPooledBlocks);
        Assert.Equal(statistics.TrimDelay, FioMemorySettings.TrimDelay);
        Assert.Equal(FioMemoryOptions.ReserveBytes, FioMemorySettings.ReserveBytes);
        Assert.Equal(FioMemoryOptions.PortableMemory, FioMemorySettings.PortableMemory);
    }
}
