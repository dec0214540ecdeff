using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phi3.OnnxSdk.DependencyInjection;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk;

/// <summary>
/// An <see cref="IChatClient"/> that, on first use, decides its placement (<see cref="Phi3Options.Placement"/>) and then
/// either resolves, downloads (when needed) and loads its Phi-3 model, or connects the remote provider, and forwards
/// every call to the client it created. This is what <c>services.AddPhi3ChatClient(...)</c> registers.
/// </summary>
/// <remarks>
/// <para>
/// Loading: the first call to <see cref="GetResponseAsync"/>, <see cref="GetStreamingResponseAsync"/>,
/// <see cref="GetClientAsync"/> or <see cref="LoadAsync"/> starts the load; concurrent first calls share that one load. The load runs on its own: a
/// caller whose <see cref="CancellationToken"/> is cancelled stops waiting for it, but the load goes on for the other
/// callers (only <see cref="Dispose"/> cancels it). The placement and resolver's decisions, download progress and the
/// load time are written to the logger given to the constructor. A remote placement loads nothing: the "load" creates
/// the OpenAI-compatible client, which contacts the endpoint only when a request is sent.
/// </para>
/// <para>
/// Failures are not cached: every caller waiting on a failed load gets its exception (for example
/// <see cref="Phi3ModelException"/> for a bad model folder, <see cref="Hub.HubException"/> for a failed download,
/// <see cref="Resolution.VariantResolutionException"/> when no variant fits), and the next call starts a new attempt,
/// so a model folder that appears later or a network that comes back is picked up without restarting the app.
/// </para>
/// <para>
/// Thread-safety: all members are thread-safe; the instance is meant to be shared as a singleton.
/// <see cref="Dispose"/> cancels a load in progress, disposes the loaded client (stopping the requests that run on
/// it) and makes later calls throw <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed class Phi3LazyChatClient : IChatClient
{
    private readonly Func<CancellationToken, Task<(IChatClient Client, PlacementDecision? Placement)>> _factory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly Lock _lock = new();
    private readonly ChatClientMetadata _pendingMetadata;
    private Task<IChatClient>? _load;
    private IChatClient? _client;
    private PlacementDecision? _placement;
    private bool _disposed;

    /// <summary>Creates a client that loads the model described by <paramref name="options"/> on first use.</summary>
    /// <param name="options">What to run (see <see cref="Phi3ModelProvisioner.CreateClientAsync"/>); <see langword="null"/> for the defaults. Read when the load starts.</param>
    /// <param name="logger">Receives the placement and resolver's decisions, download progress, the load time and load failures; <see langword="null"/> for none.</param>
    /// <param name="hardwareProbe">How to read the hardware; <see langword="null"/> probes this machine.</param>
    public Phi3LazyChatClient(Phi3Options? options = null, ILogger? logger = null, IHardwareProbe? hardwareProbe = null)
    {
        options ??= new Phi3Options();
        _logger = logger ?? NullLogger.Instance;
        var progress = new Phi3SetupProgressLogger(_logger);
        _factory = async ct =>
        {
            var (client, placement) = await Phi3ModelProvisioner.CreatePlacedClientAsync(options, progress, _logger, hardwareProbe, ct).ConfigureAwait(false);
            return (client, placement);
        };
        _pendingMetadata = new ChatClientMetadata(Phi3ChatClient.ProviderName, providerUri: null, Phi3ModelProvisioner.ModelIdOf(options));
    }

    /// <summary>Creates a client whose load is <paramref name="factory"/> (tests use it to hold a load in progress).</summary>
    internal Phi3LazyChatClient(Func<CancellationToken, Task<IChatClient>> factory, ChatClientMetadata pendingMetadata, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _factory = async ct => (await factory(ct).ConfigureAwait(false), null);
        _pendingMetadata = pendingMetadata;
    }

    /// <summary>Gets where the client runs and why, once the load has decided it; <see langword="null"/> before.</summary>
    public PlacementDecision? Placement
    {
        get
        {
            lock (_lock)
            {
                return _placement;
            }
        }
    }

    /// <summary>Gets whether the model is loaded, or the remote client created (a load finished and the client is not disposed).</summary>
    public bool IsLoaded
    {
        get
        {
            lock (_lock)
            {
                return _client is not null && !_disposed;
            }
        }
    }

    /// <summary>
    /// Loads the model (or creates the remote client, per the placement) unless that is done or under way, and returns
    /// the client every call is forwarded to. Concurrent calls share one load; after a failed load the next call tries again.
    /// </summary>
    /// <param name="cancellationToken">Stops this caller's wait; the load itself goes on for other callers.</param>
    /// <returns>The loaded <see cref="Phi3ChatClient"/> or the remote provider's client, owned by this instance: do not dispose it.</returns>
    /// <exception cref="ObjectDisposedException">This client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Also throws what <see cref="Phi3ModelProvisioner.CreateClientAsync"/> throws when the load fails.</remarks>
    public Task<IChatClient> GetClientAsync(CancellationToken cancellationToken = default)
    {
        Task<IChatClient> load;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_load is { IsFaulted: true } or { IsCanceled: true })
            {
                _load = null;
            }

            load = _load ??= Task.Run(LoadCoreAsync, CancellationToken.None);
        }

        return load.IsCompletedSuccessfully ? load : load.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Loads the local model unless it is loaded or loading, and returns the loaded client. Concurrent calls share one load;
    /// after a failed load the next call tries again.
    /// </summary>
    /// <param name="cancellationToken">Stops this caller's wait; the load itself goes on for other callers.</param>
    /// <returns>The loaded client, owned by this instance: do not dispose it.</returns>
    /// <exception cref="ObjectDisposedException">This client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The placement chose the remote endpoint, so there is no local model (use <see cref="GetClientAsync"/>).</exception>
    /// <remarks>Also throws what <see cref="Phi3ModelProvisioner.CreateChatClientAsync"/> throws when the load fails.</remarks>
    public async Task<Phi3ChatClient> LoadAsync(CancellationToken cancellationToken = default)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return client as Phi3ChatClient ?? throw new InvalidOperationException(
            $"The placement chose a remote endpoint, so no local Phi-3 model is loaded: {Placement?.Reason}. Use GetClientAsync for the remote client.");
    }

    /// <inheritdoc />
    /// <remarks>Loads the model first if needed (see <see cref="GetClientAsync"/>).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">This client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Loads the model when enumeration starts if needed (see <see cref="GetClientAsync"/>).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">This client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (while enumerating).</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Before the model is loaded, answers <see cref="ChatClientMetadata"/> (provider name and the model id of
    /// <see cref="Phi3ModelProvisioner.ModelIdOf"/>) and this instance, and <see langword="null"/> for anything else; it
    /// never starts a load. Once loaded, it also answers what <see cref="Phi3ChatClient.GetService"/> answers (the
    /// <see cref="Phi3ChatClient"/>, the <see cref="Phi3Model"/>, the native model and tokenizer). The metadata's
    /// <see cref="ChatClientMetadata.DefaultModelId"/> is the same before and after the load (the provider name and
    /// address become the loaded client's), so a server that names the model by it names one id throughout.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        IChatClient? client;
        lock (_lock)
        {
            client = _disposed ? null : _client;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            var loaded = client?.GetService<ChatClientMetadata>();
            return loaded is null ? _pendingMetadata : new ChatClientMetadata(loaded.ProviderName, loaded.ProviderUri, _pendingMetadata.DefaultModelId ?? loaded.DefaultModelId);
        }

        return client?.GetService(serviceType);
    }

    /// <summary>
    /// Cancels a load in progress and disposes the loaded client, stopping requests that run on it. Idempotent;
    /// the dependency-injection container calls it when it is disposed.
    /// </summary>
    public void Dispose()
    {
        IChatClient? client;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            client = _client;
            _client = null;
        }

        _disposeCts.Cancel();
        client?.Dispose();
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<IChatClient> LoadCoreAsync()
    {
        Phi3DependencyInjectionLog.LoadStarting(_logger);
        IChatClient client;
        PlacementDecision? placement;
        try
        {
            (client, placement) = await _factory(_disposeCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposeCts.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(Phi3LazyChatClient), "The chat client was disposed while its model was loading.");
        }
        catch (Exception ex)
        {
            Phi3DependencyInjectionLog.LoadFailed(_logger, ex);
            throw;
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                _client = client;
                _placement = placement;
                return client;
            }
        }

        client.Dispose();
        throw new ObjectDisposedException(nameof(Phi3LazyChatClient), "The chat client was disposed while its model was loading.");
    }
}
