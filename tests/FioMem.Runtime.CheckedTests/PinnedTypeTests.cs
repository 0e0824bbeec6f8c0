// Checked mode names the [FioAllocated] types that keep a block pinned.
using System.Threading;
using Xunit;

namespace FioMem.Tests;

public unsafe class PinnedTypeTests
{
    /// <summary>Implemented by hand here; in user code the generator implements it.</summary>
    private struct Session : IFioAllocated<Session>
    {
        public long Id = 0;

        public Session() { }
        public static string FioTypeName => "Tests.Session";
    }

    [Fact]
    public void Pinned_blocks_name_the_types_that_pin_them()
    {
        nint survivor = 0;
        var thread = new Thread(() =>
        {
            survivor = (nint)FioAlloc<Session>.New();
            var fillers = new nint[4];
            for (int i = 0; i < fillers.Length; i++)
                fillers[i] = (nint)FioMemory.Alloc(40_000);
            foreach (nint filler in fillers)
                FioMemory.Free((void*)filler);
        });
        thread.Start();
        thread.Join();
        nint block = survivor & ~(nint)(FioMemory.BlockSize - 1);
        FioPinnedBlock pinned = Assert.Single(FioMemory.GetPinnedBlocks(), b => b.Address == block);
        Assert.Equal(1, pinned.AllocationsByType["Tests.Session"]);
        FioAlloc<Session>.Free((Session*)survivor);
    }
}
