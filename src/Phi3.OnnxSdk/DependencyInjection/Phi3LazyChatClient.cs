using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phi3.OnnxSdk.DependencyInjection;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk;

/// <summary>
/// An <see cref="IChatClient"/> that resolves, downloads (when needed) and loads its Phi-3 model on first use, then
/// forwards every call to the <see cref="Phi3ChatClient"/> it created. This is what
/// <c>services.AddPhi3ChatClient(...)</c> registers.
/// </summary>
/// <remarks>
/// <para>
/// Loading: the first call to <see cref="GetResponseAsync"/>, <see cref="GetStreamingResponseAsync"/> or
/// <see cref="LoadAsync"/> starts the load; concurrent first calls share that one load. The load runs on its own: a
/// caller whose <see cref="CancellationToken"/> is cancelled stops waiting for it, but the load goes on for the other
/// callers (only <see cref="Dispose"/> cancels it). The resolver's decision, download progress and the load time are
/// written to the logger given to the constructor.
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
    private readonly Func<CancellationToken, Task<Phi3ChatClient>> _factory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly Lock _lock = new();
    private readonly ChatClientMetadata _pendingMetadata;
    private Task<Phi3ChatClient>? _load;
    private Phi3ChatClient? _client;
    private bool _disposed;

    /// <summary>Creates a client that loads the model described by <paramref name="options"/> on first use.</summary>
    /// <param name="options">What to run (see <see cref="Phi3ModelProvisioner.CreateChatClientAsync"/>); <see langword="null"/> for the defaults. Read when the load starts.</param>
    /// <param name="logger">Receives the resolver's decision, download progress, the load time and load failures; <see langword="null"/> for none.</param>
    /// <param name="hardwareProbe">How to read the hardware; <see langword="null"/> probes this machine.</param>
    public Phi3LazyChatClient(Phi3Options? options = null, ILogger? logger = null, IHardwareProbe? hardwareProbe = null)
    {
        options ??= new Phi3Options();
        _logger = logger ?? NullLogger.Instance;
        var progress = new Phi3SetupProgressLogger(_logger);
        _factory = ct => Phi3ModelProvisioner.CreateChatClientAsync(options, progress, _logger, hardwareProbe, ct);
        _pendingMetadata = new ChatClientMetadata(Phi3ChatClient.ProviderName, providerUri: null, options.ChatClient?.ModelId ?? options.Model);
    }

    /// <summary>Gets whether the model is loaded (a load finished and the client is not disposed).</summary>
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
    /// Loads the model unless it is loaded or loading, and returns the loaded client. Concurrent calls share one load;
    /// after a failed load the next call tries again.
    /// </summary>
    /// <param name="cancellationToken">Stops this caller's wait; the load itself goes on for other callers.</param>
    /// <returns>The loaded client, owned by this instance: do not dispose it.</returns>
    /// <exception cref="ObjectDisposedException">This client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Also throws what <see cref="Phi3ModelProvisioner.CreateChatClientAsync"/> throws when the load fails.</remarks>
    public Task<Phi3ChatClient> LoadAsync(CancellationToken cancellationToken = default)
    {
        Task<Phi3ChatClient> load;
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

    /// <inheritdoc />
    /// <remarks>Loads the model first if needed (see <see cref="LoadAsync"/>).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">This client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var client = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Loads the model when enumeration starts if needed (see <see cref="LoadAsync"/>).</remarks>
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
    /// Before the model is loaded, answers <see cref="ChatClientMetadata"/> (provider name and the configured model id)
    /// and this instance, and <see langword="null"/> for anything else; it never starts a load. Once loaded, it also
    /// answers what <see cref="Phi3ChatClient.GetService"/> answers (the <see cref="Phi3ChatClient"/>, the
    /// <see cref="Phi3Model"/>, the native model and tokenizer).
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

        Phi3ChatClient? client;
        lock (_lock)
        {
            client = _disposed ? null : _client;
        }

        return client is not null
            ? client.GetService(serviceType)
            : serviceType == typeof(ChatClientMetadata) ? _pendingMetadata : null;
    }

    /// <summary>
    /// Cancels a load in progress and disposes the loaded client, stopping requests that run on it. Idempotent;
    /// the dependency-injection container calls it when it is disposed.
    /// </summary>
    public void Dispose()
    {
        Phi3ChatClient? client;
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
        var client = await LoadAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<Phi3ChatClient> LoadCoreAsync()
    {
        Phi3DependencyInjectionLog.LoadStarting(_logger);
        Phi3ChatClient client;
        try
        {
            client = await _factory(_disposeCts.Token).ConfigureAwait(false);
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
                return client;
            }
        }

        client.Dispose();
        throw new ObjectDisposedException(nameof(Phi3LazyChatClient), "The chat client was disposed while its model was loading.");
    }
}
