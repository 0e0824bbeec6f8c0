// The allocator suite runs in four processes: region or portable block source, normal or checked mode. Each project
// says which through its compile constants; this checks that the settings really took.
using Xunit;

namespace FioMem.Tests;

public class ConfigurationTests
{
    [Fact]
    public void The_allocator_runs_in_the_mode_this_project_configures()
    {
#if FIOMEM_TEST_PORTABLE
        Assert.True(AddressSpace.IsPortable);
#else
        Assert.False(AddressSpace.IsPortable);
#endif
#if FIOMEM_TEST_CHECKED
        Assert.True(FioMemory.GetStatistics().CheckedMode);
        Assert.Equal(8, FioMemory.GetStatistics().MaxPooledBlocks);
#else
        Assert.False(FioMemory.GetStatistics().CheckedMode);
#endif
    }
}
