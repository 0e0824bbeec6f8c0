// Sends a multi-segment output straight from its native segments with one sendmsg (Linux): no gather copy.
using System;
using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FioMem.AspNetCore;

/// <summary>
/// A gathering send from native memory. <see cref="Socket"/> gathers only from arrays
/// (<see cref="SocketAsyncEventArgs.BufferList"/>), so without this a response spanning several FioMem segments is
/// copied into one buffer first: a copy, and a second buffer held while the send waits. On 64-bit Linux this hands
/// the segments to <c>sendmsg</c> as they are, as Kestrel's transport does with its arrays.
/// </summary>
/// <remarks>
/// <para>Only a send that completes at once goes this way: the socket is non-blocking (.NET makes it so for its
/// asynchronous operations), so <c>sendmsg</c> takes what fits and returns; when nothing fits the caller waits with an
/// ordinary asynchronous send. The socket's handle is referenced for the call, so a concurrent close cannot hand its
/// descriptor to another socket in between.</para>
/// </remarks>
internal static unsafe class VectoredSend
{
    /// <summary>The most segments passed in one call (Linux accepts 1,024; a 64 KiB output is 16 segments).</summary>
    public const int MaxSegments = 64;

    private const int EAGAIN = 11;

    private const int EINTR = 4;

    private const int MSG_NOSIGNAL = 0x4000;

    private const int F_GETFL = 3;

    private const int O_NONBLOCK = 0x800;

    /// <summary>Whether the platform has this path: 64-bit Linux, whose <c>msghdr</c> layout the struct below follows.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && IntPtr.Size == 8;

    /// <summary>Whether the socket's descriptor is non-blocking, so that a send never waits.</summary>
    public static bool IsNonBlocking(Socket socket)
    {
        SafeHandle handle = socket.SafeHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int flags = fcntl((int)handle.DangerousGetHandle(), F_GETFL, 0);
            return flags >= 0 && (flags & O_NONBLOCK) != 0;
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Sends as much of <paramref name="data"/> as the socket takes now, in one call.
    /// </summary>
    /// <returns>The bytes sent; 0 when the socket's send buffer is full (wait, then try again); -1 when a segment is
    /// managed memory, which this path does not pin (send it another way).</returns>
    /// <exception cref="SocketException">The send failed (a reset peer, for example).</exception>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    public static int TrySend(Socket socket, in ReadOnlySequence<byte> data)
    {
        IoVec* vectors = stackalloc IoVec[MaxSegments];
        int count = 0;
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            if (segment.IsEmpty)
                continue;
            if (count == MaxSegments)
                break;
            if (MemoryMarshal.TryGetArray(segment, out _))
                return -1;
            // FioMem's segments never move: Pin gives their address and pins nothing.
            using MemoryHandle pin = segment.Pin();
            vectors[count].Base = pin.Pointer;
            vectors[count].Length = (nuint)segment.Length;
            count++;
        }
        if (count == 0)
            return 0;
        var message = new MsgHdr { Iov = vectors, IovLen = (nuint)count };
        SafeHandle handle = socket.SafeHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            while (true)
            {
                nint sent = sendmsg(fd, &message, MSG_NOSIGNAL);
                if (sent >= 0)
                    return (int)sent;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN)
                    return 0;
                throw new SocketException((int)ToSocketError(errno));
            }
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>The <see cref="SocketError"/> .NET reports for the errors a send can meet on Linux.</summary>
    private static SocketError ToSocketError(int errno) => errno switch
    {
        104 => SocketError.ConnectionReset,   // ECONNRESET
        32 => SocketError.Shutdown,           // EPIPE
        9 => SocketError.OperationAborted,    // EBADF
        107 => SocketError.NotConnected,      // ENOTCONN
        110 => SocketError.TimedOut,          // ETIMEDOUT
        113 => SocketError.HostUnreachable,   // EHOSTUNREACH
        101 => SocketError.NetworkUnreachable, // ENETUNREACH
        105 => SocketError.NoBufferSpaceAvailable, // ENOBUFS
        12 => SocketError.NoBufferSpaceAvailable,  // ENOMEM
        _ => SocketError.SocketError,
    };

    [DllImport("libc", SetLastError = true)]
    private static extern nint sendmsg(int socket, MsgHdr* message, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    /// <summary>Linux's <c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>Linux's <c>struct msghdr</c> on 64-bit platforms.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLen;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
