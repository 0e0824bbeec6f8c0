// One worker thread of the demo server: receives requests into fresh buffers, parses and checks them, responds, frees them.
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using FioMem.Demo.Allocators;

namespace FioMem.Demo.Server;

/// <summary>
/// Handles a worker's share of requests, facil.io style: each request gets a batch of small buffers (the
/// <see cref="RequestHeader"/>, 4–12 header lines, 0–4 body chunks of 256–4096 bytes), they are filled as if read from
/// a socket, checksummed, parsed and checked again, a response buffer is written and sent to the next worker (which
/// checks and frees it: a cross-thread free), and the request's buffers are freed together. Between requests the worker
/// checks and frees the responses the previous worker sent it. There is no other thread, so on N cores N workers never
/// wait for a thread the scheduler has not run.
/// </summary>
/// <typeparam name="TAlloc">The allocator under test.</typeparam>
public sealed class RequestWorker<TAlloc> where TAlloc : struct, IDemoAllocator
{
    /// <summary>The most header lines a request has.</summary>
    public const int MaxHeaderLines = 12;

    /// <summary>The most body chunks a request has.</summary>
    public const int MaxBodyChunks = 4;

    /// <summary>Marks a well-formed response ("FIOR").</summary>
    public const uint ResponseMagic = 0x524F4946;

    /// <summary>Bytes before a response's text: checksum (8), payload length (4), magic (4).</summary>
    public const int ResponsePrefix = 16;

    private const int ProgressStep = 64;

    /// <summary>The most responses taken from the inbox at once.</summary>
    private const int ResponseBatch = 64;

    private static readonly byte[][] s_headerNames = Array.ConvertAll(
        ["Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Cookie", "Content-Type", "X-Request-Id",
         "Authorization", "Cache-Control", "Connection", "If-None-Match", "Referer", "Origin"],
        Encoding.ASCII.GetBytes);

    private static readonly byte[] s_statusLine = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nServer: FioMem.Demo\r\n\r\n");

    private readonly int _worker;
    private readonly long _requests;
    private readonly ResponseRing _outbox;
    private readonly ResponseRing _inbox;
    private readonly RunCounters _counters;
    private readonly DemoBuffer[] _received = new DemoBuffer[ResponseBatch];
    private RequestMemory? _memory;
    private long _responsesFreed;
    private readonly DemoBuffer[] _lines = new DemoBuffer[MaxHeaderLines];
    private readonly DemoBuffer[] _chunks = new DemoBuffer[MaxBodyChunks];
    private readonly ulong[] _lineSums = new ulong[MaxHeaderLines];
    private readonly ulong[] _chunkSums = new ulong[MaxBodyChunks];
    private readonly int[] _lineNames = new int[MaxHeaderLines];
    private readonly int[] _lineLengths = new int[MaxHeaderLines];
    private readonly int[] _chunkLengths = new int[MaxBodyChunks];

    /// <summary>
    /// A worker that handles <paramref name="requests"/> requests, sends its responses to <paramref name="outbox"/> and
    /// checks and frees the responses that arrive in <paramref name="inbox"/>.
    /// </summary>
    public RequestWorker(int worker, long requests, ResponseRing outbox, ResponseRing inbox, RunCounters counters)
    {
        _worker = worker;
        _requests = requests;
        _outbox = outbox;
        _inbox = inbox;
        _counters = counters;
    }

    /// <summary>
    /// Handles every request, then frees the responses still on their way to it until the worker sending them has
    /// finished, and adds this thread's figures to the counters.
    /// </summary>
    public void Run()
    {
        long allocations = 0, ticks = 0, failures = 0;
        _responsesFreed = 0;
        using var memory = _memory = new RequestMemory();
        for (long id = 0; id < _requests; id++)
        {
            Handle(id, ref allocations, ref ticks, ref failures);
            if ((id + 1) % ProgressStep == 0) _counters.AddCompleted(ProgressStep);
        }

        _counters.AddCompleted(_requests % ProgressStep);
        _outbox.Complete();
        var spinner = new SpinWait();
        while (true)
        {
            if (ReceiveResponses(ref ticks, ref failures) > 0) continue;
            if (_inbox.IsCompleted && _inbox.IsEmpty) break;
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        _counters.AddAllocatorWork(allocations, ticks);
        _counters.AddFailures(failures);
        _counters.AddResponsesFreed(_responsesFreed);
    }

    private unsafe void Handle(long id, ref long allocations, ref long ticks, ref long failures)
    {
        // The request's shape: drawn before any allocation so only allocator calls fall inside the timed regions.
        var random = new RequestRandom(_worker, id);
        int method = random.Next(0, 3);
        int lineCount = random.Next(4, MaxHeaderLines);
        int chunkCount = method == 3 ? random.Next(1, MaxBodyChunks) : 0;
        for (int k = 0; k < lineCount; k++)
        {
            _lineNames[k] = random.Next(0, s_headerNames.Length - 1);
            _lineLengths[k] = s_headerNames[_lineNames[k]].Length + 2 + random.Next(8, 160) + 2;
        }

        int bodyLength = 0;
        for (int m = 0; m < chunkCount; m++) bodyLength += _chunkLengths[m] = random.Next(256, 4096);
        int responseLength = ResponsePrefix + s_statusLine.Length + random.Next(128, 1024);

        // Receive: allocate the request's buffers.
        long start = Stopwatch.GetTimestamp();
        RequestMemory memory = _memory!;
        DemoBuffer header = TAlloc.AllocateHeaderForRequest(memory);
        for (int k = 0; k < lineCount; k++) _lines[k] = TAlloc.AllocateForRequest(memory, _lineLengths[k]);
        for (int m = 0; m < chunkCount; m++) _chunks[m] = TAlloc.AllocateForRequest(memory, _chunkLengths[m]);
        long allocated = Stopwatch.GetTimestamp();
        allocations += 1 + lineCount + chunkCount;

        // Fill them as the bytes arrive, checksumming what was sent.
        failures += NonZero(header);
        ulong headerSum = 0, bodySum = 0;
        for (int k = 0; k < lineCount; k++)
        {
            failures += NonZero(_lines[k]);
            Span<byte> line = _lines[k].Span;
            WriteHeaderLine(line, s_headerNames[_lineNames[k]], (byte)('a' + random.Next(0, 25)));
            headerSum += _lineSums[k] = Checksum.Of(line);
        }

        for (int m = 0; m < chunkCount; m++)
        {
            failures += NonZero(_chunks[m]);
            Span<byte> chunk = _chunks[m].Span;
            WriteBodyChunk(chunk, random.NextWord());
            bodySum += _chunkSums[m] = Checksum.Of(chunk);
        }

        ref RequestHeader request = ref MemoryMarshal.AsRef<RequestHeader>(header.Span);
        request.RequestId = id;
        request.Worker = _worker;
        request.Method = method;
        request.HeaderLineCount = lineCount;
        request.BodyChunkCount = chunkCount;
        request.BodyLength = bodyLength;
        request.ResponseLength = responseLength;
        request.PathHash = random.NextWord();
        request.HeaderChecksum = headerSum;
        request.BodyChecksum = bodySum;

        // Parse: every buffer is read again once all are written, so an overlap between live allocations shows here.
        long parsed = 0;
        ulong headerCheck = 0, bodyCheck = 0;
        for (int k = 0; k < lineCount; k++)
        {
            ReadOnlySpan<byte> line = _lines[k].Span;
            ulong sum = Checksum.Of(line);
            if (sum != _lineSums[k]) failures++;
            headerCheck += sum;
            int colon = line.IndexOf((byte)':');
            if (colon > 0 && line[colon + 1] == (byte)' ' && line.EndsWith("\r\n"u8)) parsed++;
        }

        for (int m = 0; m < chunkCount; m++)
        {
            ulong sum = Checksum.Of(_chunks[m].Span);
            if (sum != _chunkSums[m]) failures++;
            bodyCheck += sum;
        }

        request.ParsedHeaderLines = parsed;
        if (parsed != lineCount || request.RequestId != id || request.Worker != _worker
            || request.HeaderChecksum != headerCheck || request.BodyChecksum != bodyCheck)
        {
            failures++;
        }

        // Respond: the next worker checks and frees the response. While its inbox is full, free what this worker was sent.
        long responseStart = Stopwatch.GetTimestamp();
        DemoBuffer response = TAlloc.Allocate(responseLength);
        long responseAllocated = Stopwatch.GetTimestamp();
        allocations++;
        failures += NonZero(response);
        WriteResponse(response.Span, request.HeaderChecksum ^ request.BodyChecksum ^ request.PathHash);
        var spinner = new SpinWait();
        while (!_outbox.TryEnqueue(response))
        {
            if (ReceiveResponses(ref ticks, ref failures) == 0) spinner.SpinOnce(sleep1Threshold: -1);
        }

        // The request is done: free its buffers together.
        long freeStart = Stopwatch.GetTimestamp();
        TAlloc.EndRequest(memory, header, _lines.AsSpan(0, lineCount), _chunks.AsSpan(0, chunkCount));
        long freed = Stopwatch.GetTimestamp();

        ticks += (allocated - start) + (responseAllocated - responseStart) + (freed - freeStart)
            - 3 * TimerOverhead.TicksPerRegion;
        _lines.AsSpan(0, lineCount).Clear();
        _chunks.AsSpan(0, chunkCount).Clear();

        ReceiveResponses(ref ticks, ref failures);
    }

    /// <summary>Checks and frees the responses waiting in the inbox (a batch at most); returns how many.</summary>
    private int ReceiveResponses(ref long ticks, ref long failures)
    {
        int count = _inbox.DequeueBatch(_received);
        if (count == 0) return 0;
        for (int i = 0; i < count; i++) failures += CheckResponse(_received[i].Span);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++) TAlloc.Free(_received[i]);
        ticks += Stopwatch.GetTimestamp() - start - TimerOverhead.TicksPerRegion;
        _received.AsSpan(0, count).Clear();
        _responsesFreed += count;
        return count;
    }

    /// <summary>Checks a response's magic, length and checksum; returns 1 when one is wrong.</summary>
    private static int CheckResponse(ReadOnlySpan<byte> response)
    {
        ReadOnlySpan<byte> text = response[ResponsePrefix..];
        bool valid = MemoryMarshal.Read<uint>(response[12..]) == ResponseMagic
            && MemoryMarshal.Read<int>(response[8..]) == text.Length
            && MemoryMarshal.Read<ulong>(response) == Checksum.Of(text);
        return valid ? 0 : 1;
    }

    /// <summary>Checks that a fresh buffer reads as zero at both ends (every allocator here promises zeroed memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NonZero(DemoBuffer buffer)
    {
        Span<byte> bytes = buffer.Span;
        return bytes.Length == 0 || (bytes[0] == 0 && bytes[^1] == 0) ? 0 : 1;
    }

    private static void WriteHeaderLine(Span<byte> line, byte[] name, byte valueLetter)
    {
        name.CopyTo(line);
        line[name.Length] = (byte)':';
        line[name.Length + 1] = (byte)' ';
        line[(name.Length + 2)..^2].Fill(valueLetter);
        line[^2] = (byte)'\r';
        line[^1] = (byte)'\n';
    }

    private static void WriteBodyChunk(Span<byte> chunk, ulong seed)
    {
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(chunk);
        for (int i = 0; i < words.Length; i++) words[i] = seed + (ulong)i * 0x9E3779B97F4A7C15UL;
        chunk[(words.Length * sizeof(ulong))..].Fill((byte)seed);
    }

    private static void WriteResponse(Span<byte> response, ulong seed)
    {
        Span<byte> text = response[ResponsePrefix..];
        s_statusLine.CopyTo(text);
        WriteBodyChunk(text[s_statusLine.Length..], seed);
        MemoryMarshal.Write(response, Checksum.Of(text));
        MemoryMarshal.Write(response[8..], text.Length);
        MemoryMarshal.Write(response[12..], ResponseMagic);
    }
}
