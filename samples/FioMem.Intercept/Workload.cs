// Plain NativeMemory code with no FioMem in it: short-lived buffers of mixed sizes in a window, each freed 1,024
// allocations after it was made (oldest first), as a message queue would use them. Zeroed (AllocZeroed), as FioMem's
// memory always is, so both builds do the same work.
using System.Runtime.InteropServices;

namespace FioMem.Intercept;

internal static unsafe class Workload
{
    private const int Window = 1024;

    /// <summary>Allocates <paramref name="operations"/> buffers of 16–511 bytes, freeing the oldest as it goes; returns a
    /// checksum of what it read back.</summary>
    public static long Run(int seed, int operations)
    {
        byte*[] live = new byte*[Window];
        uint state = (uint)seed * 2654435761u + 1;
        long checksum = 0;
        for (int i = 0; i < operations; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            int slot = i % Window;
            int size = 16 + (int)((state >> 20) % 496);
            byte* old = live[slot];
            if (old != null)
            {
                checksum += old[0] + old[1];
                NativeMemory.Free(old);
            }

            byte* fresh = (byte*)NativeMemory.AllocZeroed((nuint)size);
            fresh[0] = (byte)i;
            fresh[1] = (byte)size;
            live[slot] = fresh;
        }

        for (int slot = 0; slot < Window; slot++)
        {
            byte* buffer = live[slot];
            if (buffer != null)
            {
                checksum += buffer[0] + buffer[1];
                NativeMemory.Free(buffer);
            }
        }

        return checksum;
    }
}
