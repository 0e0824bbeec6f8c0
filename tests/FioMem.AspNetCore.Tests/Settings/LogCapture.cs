// Collects what a host logs, so tests can read FioMem's start-up line and warnings.
using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace FioMem.AspNetCore.Tests.Settings;

/// <summary>A logger provider that keeps every message of the <c>FioMem</c> category.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public (LogLevel Level, string Message)[] Entries => [.. _entries];

    public string[] Messages(LogLevel level) => [.. _entries.Where(e => e.Level == level).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName == "FioMem" ? _entries : null);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, string)>? entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => entries is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries?.Enqueue((logLevel, formatter(state, exception)));
    }
}
