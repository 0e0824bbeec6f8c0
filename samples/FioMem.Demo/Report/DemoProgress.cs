// The demo's progress: live bars on a terminal; to a file or a pipe, one final line per task and nothing before it.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Spectre.Console;

namespace FioMem.Demo.Report;

/// <summary>One task's progress: its value moves towards its maximum until <see cref="Complete"/>.</summary>
public interface IDemoProgressTask
{
    /// <summary>What the task is; may change until it completes.</summary>
    string Description { get; set; }

    /// <summary>Progress so far, from 0 to the maximum the task was added with.</summary>
    double Value { get; set; }

    /// <summary>Marks the task done; a non-terminal display prints its one line now.</summary>
    void Complete();
}

/// <summary>Shows the demo's tasks as they progress.</summary>
public abstract class DemoProgress
{
    /// <summary>Adds a task that goes from 0 to <paramref name="maxValue"/>.</summary>
    public abstract IDemoProgressTask AddTask(string description, double maxValue);

    /// <summary>
    /// Runs <paramref name="body"/> with live progress bars when <paramref name="interactive"/> (a terminal), or with
    /// one line per task written to <paramref name="plainOutput"/> as each completes (redirected output: a bar
    /// redrawn into a file would leave one line per step).
    /// </summary>
    public static void Run(bool interactive, TextWriter plainOutput, Action<DemoProgress> body)
    {
        ArgumentNullException.ThrowIfNull(plainOutput);
        ArgumentNullException.ThrowIfNull(body);
        if (!interactive)
        {
            body(new Plain(plainOutput));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => body(new Live(context)));
    }

    private sealed class Live(ProgressContext context) : DemoProgress
    {
        public override IDemoProgressTask AddTask(string description, double maxValue) =>
            new LiveTask(context.AddTask(Markup.Escape(description), maxValue: maxValue));

        private sealed class LiveTask(ProgressTask task) : IDemoProgressTask
        {
            public string Description { get => task.Description; set => task.Description = Markup.Escape(value); }

            public double Value { get => task.Value; set => task.Value = value; }

            public void Complete() => task.Value = task.MaxValue;
        }
    }

    private sealed class Plain(TextWriter output) : DemoProgress
    {
        public override IDemoProgressTask AddTask(string description, double maxValue) => new PlainTask(output, description);

        private sealed class PlainTask(TextWriter output, string description) : IDemoProgressTask
        {
            private readonly long _started = Stopwatch.GetTimestamp();
            private bool _completed;

            public string Description { get; set; } = description;

            public double Value { get; set; }

            public void Complete()
            {
                if (_completed)
                    return;
                _completed = true;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Description}: done after {Stopwatch.GetElapsedTime(_started).TotalSeconds:0.0} s"));
            }
        }
    }
}
