// The parsed head of a request: a small unmanaged [FioAllocated] struct, the kind of value FioMem serves.
using System.Runtime.InteropServices;

namespace FioMem.Demo.Server;

/// <summary>
/// What a worker knows about a request once its buffers are filled: 64 bytes, allocated per request from the allocator
/// under test. On FioMem it is allocated typed, with <c>FioAlloc&lt;RequestHeader&gt;.New()</c>, which the source generator
/// enables through <c>[FioAllocated]</c>.
/// </summary>
[FioAllocated]
[StructLayout(LayoutKind.Sequential)]
public partial struct RequestHeader
{
    /// <summary>The request's number within its worker.</summary>
    public long RequestId;

    /// <summary>The worker that handles it.</summary>
    public int Worker;

    /// <summary>The request method (an index into <see cref="RequestWorker{TAlloc}"/>'s method table).</summary>
    public int Method;

    /// <summary>How many header-line buffers the request has.</summary>
    public int HeaderLineCount;

    /// <summary>How many body-chunk buffers the request has.</summary>
    public int BodyChunkCount;

    /// <summary>The body's total length in bytes.</summary>
    public int BodyLength;

    /// <summary>The response's length in bytes.</summary>
    public int ResponseLength;

    /// <summary>A hash of the request path.</summary>
    public ulong PathHash;

    /// <summary>The checksum of the header lines, taken as they were received.</summary>
    public ulong HeaderChecksum;

    /// <summary>The checksum of the body chunks, taken as they were received.</summary>
    public ulong BodyChecksum;

    /// <summary>How many header lines parsed as <c>name: value</c>.</summary>
    public long ParsedHeaderLines;
}
