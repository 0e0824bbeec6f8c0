// Applies the host's FioMem settings as the host starts, before any hosted service (Kestrel among them) runs.
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace FioMem.AspNetCore;

/// <summary>Runs <see cref="FioMemSettingsApplier.EnsureApplied"/> in the host's starting phase, which comes before
/// every hosted service's start, so a setting that cannot apply stops the host before it serves anything.</summary>
internal sealed class FioMemStartup(FioMemSettingsApplier applier) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        applier.EnsureApplied();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
