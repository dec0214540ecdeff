using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// Whether the served client can answer: a <see cref="Phi3LazyChatClient"/> is ready once loaded, any other client at
/// once. Starts the load when asked (at startup and on requests while not ready, so a failed load is retried).
/// Thread-safe.
/// </summary>
internal sealed class ModelReadiness
{
    private readonly Phi3LazyChatClient? _lazy;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task? _load;
    private string? _failure;

    public ModelReadiness(IChatClient client, ILogger logger)
    {
        _lazy = client.GetService<Phi3LazyChatClient>();
        _logger = logger;
    }

    /// <summary>Gets whether requests can be served now.</summary>
    public bool IsReady => _lazy?.IsLoaded ?? true;

    /// <summary>Gets the last load failure's message while not ready, else <see langword="null"/>.</summary>
    public string? Failure
    {
        get
        {
            lock (_lock)
            {
                return IsReady ? null : _failure;
            }
        }
    }

    /// <summary>Starts a load unless the client is ready or a load runs; never waits for it.</summary>
    public void EnsureLoading()
    {
        if (_lazy is null || _lazy.IsLoaded)
        {
            return;
        }

        lock (_lock)
        {
            if (_load is { IsCompleted: false })
            {
                return;
            }

            _load = LoadAsync(_lazy);
        }
    }

    private async Task LoadAsync(Phi3LazyChatClient lazy)
    {
        try
        {
            await lazy.GetClientAsync().ConfigureAwait(false);
            lock (_lock)
            {
                _failure = null;
            }
        }
        catch (ObjectDisposedException)
        {
            // The server is stopping.
        }
#pragma warning disable CA1031 // A failed load is reported by /health and 503s, and retried by the next request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (_lock)
            {
                _failure = ex.Message;
            }

            ServerLog.LoadFailed(_logger, ex);
        }
    }
}
