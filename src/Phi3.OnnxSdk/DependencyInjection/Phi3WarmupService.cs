using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.DependencyInjection;

/// <summary>
/// Loads a registered <see cref="Phi3LazyChatClient"/> when the host starts and warms its first-request buffers
/// (<see cref="Phi3ChatClient.WarmUpAsync"/>); the host waits for both. A remote placement only creates its client.
/// </summary>
internal sealed class Phi3WarmupService : IHostedService
{
    private readonly Phi3LazyChatClient _client;
    private readonly ILogger _logger;
    private readonly string _keyText;

    public Phi3WarmupService(Phi3LazyChatClient client, ILogger logger, object? serviceKey)
    {
        _client = client;
        _logger = logger;
        _keyText = serviceKey is null ? "(default)" : $"'{serviceKey}'";
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Phi3DependencyInjectionLog.WarmupStarting(_logger, _keyText);
        var client = await _client.GetClientAsync(cancellationToken).ConfigureAwait(false);
        if (client is Phi3ChatClient local)
        {
            // A remote placement has nothing to warm here.
            await local.WarmUpAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
