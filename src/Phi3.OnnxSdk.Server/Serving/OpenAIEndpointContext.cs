using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// What the endpoints share: the served client, its readiness, the request gate and the limits, resolved once from
/// <see cref="Phi3OpenAIEndpointOptions"/>. A singleton; thread-safe.
/// </summary>
internal sealed class OpenAIEndpointContext : IDisposable
{
    private const int MaxRememberedUnknownFields = 64;
    private readonly Phi3.OnnxSdk.Chat.FirstSightSet _unknownFields = new(MaxRememberedUnknownFields, maxKeyLength: 64);

    public OpenAIEndpointContext(IServiceProvider services, IOptions<Phi3OpenAIEndpointOptions> options, ILoggerFactory? loggerFactory = null)
    {
        var settings = options.Value;
        Options = settings;
        Client = settings.ChatClientKey is { } key ? services.GetRequiredKeyedService<IChatClient>(key) : services.GetRequiredService<IChatClient>();
        var logger = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Phi3.OnnxSdk.Server");
        Logger = logger;
        Readiness = new ModelReadiness(Client, logger);

        string optionsName = settings.ChatClientKey?.ToString() ?? Microsoft.Extensions.Options.Options.DefaultName;
        int concurrency = settings.MaxConcurrentRequests
            ?? services.GetService<IOptionsMonitor<Phi3Options>>()?.Get(optionsName).ChatClient?.MaxConcurrentGenerations
            ?? 4;
        MaxQueued = settings.MaxQueuedRequests ?? Phi3OpenAIEndpointOptions.DefaultMaxQueuedRequests;
        Gate = new RequestGate(concurrency, MaxQueued);
        MaxBodyBytes = settings.MaxRequestBodyBytes ?? Phi3OpenAIEndpointOptions.DefaultMaxRequestBodyBytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBodyBytes, 1, nameof(Phi3OpenAIEndpointOptions.MaxRequestBodyBytes));
        MaxOutputTokens = settings.MaxOutputTokens ?? Phi3OpenAIEndpointOptions.DefaultMaxOutputTokens;
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOutputTokens, 1, nameof(Phi3OpenAIEndpointOptions.MaxOutputTokens));
        DefaultOutputTokens = Math.Min(MaxOutputTokens, ClientDefaultOutputTokens(services, settings, optionsName) ?? MaxOutputTokens);
        RetryAfterSeconds = settings.RetryAfterSeconds ?? 1;
        ArgumentOutOfRangeException.ThrowIfNegative(RetryAfterSeconds, nameof(Phi3OpenAIEndpointOptions.RetryAfterSeconds));
        CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ServedModelId = settings.ModelId ?? Client.GetService<ChatClientMetadata>()?.DefaultModelId ?? "phi3";
    }

    public Phi3OpenAIEndpointOptions Options { get; }

    public IChatClient Client { get; }

    public ILogger Logger { get; }

    public ModelReadiness Readiness { get; }

    public RequestGate Gate { get; }

    public int MaxQueued { get; }

    public long MaxBodyBytes { get; }

    public int MaxOutputTokens { get; }

    /// <summary>Gets the output limit of a request that sets no <c>max_tokens</c>: the client's default, capped at <see cref="MaxOutputTokens"/>.</summary>
    public int DefaultOutputTokens { get; }

    public int RetryAfterSeconds { get; }

    /// <summary>Gets when the endpoints started serving, the <c>created</c> of the model card.</summary>
    public long CreatedAt { get; }

    /// <summary>
    /// Gets the served model id, fixed when the endpoints start: the option, else the client's metadata (for a
    /// <see cref="Phi3LazyChatClient"/>, <see cref="Phi3ModelProvisioner.ModelIdOf"/>, the same before and after the load),
    /// else <c>phi3</c>.
    /// </summary>
    public string ServedModelId { get; }

    /// <summary>Gets who the model card says owns the model: the client's provider name.</summary>
    public string OwnedBy => Client.GetService<ChatClientMetadata>()?.ProviderName ?? "phi3";

    public void Dispose() => Gate.Dispose();

    /// <summary>
    /// Gets whether <paramref name="field"/> is an unknown request field not seen before (so it is logged once). At most
    /// <see cref="MaxRememberedUnknownFields"/> names are remembered, so random names cannot grow memory; beyond that none is logged.
    /// </summary>
    public bool FirstSightOfUnknownField(string field) => _unknownFields.TryAdd(field);

    /// <summary>
    /// The Phi-3 client's default output limit: the host's setting, else the registered options', else the client's built-in
    /// <see cref="Phi3ChatClientOptions.DefaultMaxOutputTokens"/>; <see langword="null"/> (unknown) for any other client.
    /// </summary>
    private int? ClientDefaultOutputTokens(IServiceProvider services, Phi3OpenAIEndpointOptions settings, string optionsName)
    {
        if (Client.GetService<Phi3LazyChatClient>() is null && Client.GetService<Phi3ChatClient>() is null)
        {
            return null;
        }

        return settings.ClientDefaultOutputTokens
            ?? services.GetService<IOptionsMonitor<Phi3Options>>()?.Get(optionsName).ChatClient?.MaxOutputTokens
            ?? Phi3ChatClientOptions.DefaultMaxOutputTokens;
    }
}
