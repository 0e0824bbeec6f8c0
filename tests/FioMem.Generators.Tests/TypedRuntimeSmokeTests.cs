// Temporary probe that the generator ran on this project.
namespace FioMem.Generators.Tests;

public unsafe class TypedRuntimeSmokeTests
{
    [Fact]
    public void Probe()
    {
        TestTypes.Vector48* p = TestTypes.Vector48.New();
        TestTypes.Vector48.Free(p);
        Assert.Equal(48, sizeof(TestTypes.Vector48));
        _ = new FioAllocatedGenerator();
    }
}
