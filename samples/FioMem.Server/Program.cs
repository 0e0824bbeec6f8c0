// The sample server: an echo endpoint and a JSON endpoint on 127.0.0.1, on FioMem's memory pool or Kestrel's default.
//   dotnet run -c Release --project samples/FioMem.Server -- --pool fiomem --port 5080
//   dotnet run -c Release --project samples/FioMem.Server -- chart <fiomem.csv> <default.csv> <out.png>
using System;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Serialization;
using FioMem;
using FioMem.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (args.Length > 0 && args[0] == "chart")
{
    if (args.Length != 4)
    {
        Console.Error.WriteLine("usage: chart <fiomem-rss.csv> <default-rss.csv> <out.png>");
        return 2;
    }
    RssChart.Save(args[1], args[2], args[3]);
    Console.WriteLine($"chart written to {args[3]}");
    return 0;
}

ServerOptions options;
try
{
    options = ServerOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("usage: [--pool fiomem|default] [--port N]");
    return 2;
}

// Before the host: Kestrel's pool counts only what happens once a listener is on.
using var meters = new MeterReadings();
var peaks = new PeakSampler(TimeSpan.FromMilliseconds(20), meters);
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// Loopback only: the sample is for local measurements.
PipeCensus? census = PipeCensus.Requested ? new PipeCensus(() => peaks.Now().PoolRentedBytes) : null;
builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
{
    if (census is not null)
        listen.Use(census.Track);
}));
if (options.UseFioMem)
    builder.Services.AddFioMemoryPool();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default));

WebApplication app = builder.Build();

// Echo: the request body back, as it arrives.
app.MapPost("/echo", async (HttpContext context) =>
{
    context.Response.ContentType = "application/octet-stream";
    if (context.Request.ContentLength is long length)
        context.Response.ContentLength = length;
    await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
});

// JSON: a small document, serialized per request.
app.MapGet("/json", () => new Greeting("Hello, World!", DateTimeOffset.UtcNow, options.PoolName));

// Figures for the load test: the pool, FioMem's statistics, the GC and the process's memory.
app.MapGet("/stats", () =>
{
    FioMemoryStatistics fio = FioMemory.GetStatistics();
    using Process self = Process.GetCurrentProcess();
    GCMemoryInfo gc = GC.GetGCMemoryInfo();
    return new ServerStats(options.PoolName, self.WorkingSet64, self.Threads.Count, GC.GetTotalAllocatedBytes(),
        gc.TotalCommittedBytes, gc.HeapSizeBytes, GC.CollectionCount(0), GC.CollectionCount(2),
        fio.ReservedBytes, fio.BlocksInUse, fio.BlocksPooled, fio.BlocksTrimmed, fio.MemoryPoolRentals, fio.MemoryPoolBuffers);
});

// The highest figures seen since start-up (or the last ?reset=true), sampled every 20 ms in the server: what /stats,
// asked once in a while, misses under load. Besides each figure's own peak, the whole sample at the working set's
// peak: the transport buffers rented (FioMem's pool or Kestrel's, from its meter), the connections open and the GC's
// generations.
app.MapGet("/peak", (bool? reset) => reset == true ? peaks.Reset() : peaks.Read());

// With FIOMEM_SERVER_PIPES=1: what the connections' pipes held when the transport buffers rented peaked (unread
// input, unsent output), since the last call.
if (census is not null)
    app.MapGet("/pipes", () => census.TakePeak());

Console.WriteLine($"FioMem.Server on http://127.0.0.1:{options.Port}/ (pool: {options.PoolName}, pid {Environment.ProcessId}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
app.Run();
return 0;

/// <summary>The JSON endpoint's document.</summary>
internal sealed record Greeting(string Message, DateTimeOffset Time, string Pool);

/// <summary>The /stats document.</summary>
internal sealed record ServerStats(string Pool, long WorkingSetBytes, int Threads, long GcAllocatedBytes, long GcCommittedBytes,
    long GcHeapSizeBytes, int Gen0Collections, int Gen2Collections,
    long FioReservedBytes, long FioBlocksInUse, long FioBlocksPooled, long FioBlocksTrimmed, long FioPoolRentals, long FioPoolBuffers);

/// <summary>Source-generated serialization for the sample's documents.</summary>
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(ServerStats))]
[JsonSerializable(typeof(PeakFigures))]
[JsonSerializable(typeof(MemorySample))]
[JsonSerializable(typeof(PipeFigures))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
