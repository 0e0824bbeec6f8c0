// GetPinnedBlocks reads block headers that other threads change: it never crashes and never reports a block that is
// being retired as pinned by its slicing bias.
using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;

namespace FioMem.Tests;

[Collection(SerialCollection.Name)]
public unsafe class PinnedBlockRaceTests
{
    [Fact]
    public void A_block_marked_retired_before_its_bias_is_removed_is_not_reported()
    {
        // The moment inside a retirement: State already Retired, References still holding the slicer's bias.
        byte* p = (byte*)FioMemory.Alloc(16);
        byte* block = Block.Of(p);
        BlockHeader* header = Block.Header(block);
        Assert.Equal((int)BlockState.Active, header->State);
        header->State = (int)BlockState.Retired;
        try
        {
            foreach (FioPinnedBlock pinned in FioMemory.GetPinnedBlocks())
            {
                Assert.NotEqual((nint)block, pinned.Address);
                Assert.InRange(pinned.LiveAllocations, 1, FioMemory.BlockSize / FioMemory.Alignment);
            }
        }
        finally
        {
            header->State = (int)BlockState.Active;
        }
        FioMemory.Free(p);
    }

    [Fact]
    public void GetPinnedBlocks_while_another_thread_recycles_and_trims_blocks_reads_only_live_headers()
    {
        bool done = false;
        Exception? failure = null;
        var churn = new Thread(() =>
        {
            try
            {
                var live = new List<nint>();
                for (int round = 0; round < 300; round++)
                {
                    for (int i = 0; i < 40; i++)
                        live.Add((nint)FioMemory.Alloc(30_000));
                    foreach (nint q in live)
                        FioMemory.Free((void*)q);
                    live.Clear();
                    FioMemory.Trim();
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            Volatile.Write(ref done, true);
        });
        churn.Start();
        int snapshots = 0;
        try
        {
            while (!Volatile.Read(ref done))
            {
                foreach (FioPinnedBlock pinned in FioMemory.GetPinnedBlocks())
                    Assert.InRange(pinned.LiveAllocations, 1, FioMemory.BlockSize / FioMemory.Alignment);
                snapshots++;
            }
        }
        finally
        {
            churn.Join();
        }
        Assert.Null(failure);
        Assert.True(snapshots > 0);
    }
}
