namespace Phi3.OnnxSdk.Server;

/// <summary>
/// Settings of the OpenAI-compatible endpoints (<c>MapPhi3OpenAIEndpoints</c>). Every property is optional:
/// <see langword="null"/> means the default. Binds from configuration.
/// </summary>
/// <remarks>Read once, when the endpoints are first used; not thread-safe to mutate.</remarks>
public sealed class Phi3OpenAIEndpointOptions
{
    /// <summary>The default of <see cref="MaxRequestBodyBytes"/>: 8 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 8L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxQueuedRequests"/>.</summary>
    public const int DefaultMaxQueuedRequests = 16;

    /// <summary>The default of <see cref="MaxOutputTokens"/>.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>
    /// Gets or sets the key every request except <c>GET /health</c> must send as <c>Authorization: Bearer &lt;key&gt;</c>
    /// (compared in constant time, never logged). Default: none, no key required.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the largest request body accepted; larger ones get 413. Default: 8 MiB.</summary>
    public long? MaxRequestBodyBytes { get; set; }

    /// <summary>
    /// Gets or sets how many chat completions run at once. Default: the Phi-3 client's
    /// <see cref="Phi3ChatClientOptions.MaxConcurrentGenerations"/> (4 when unset), so that the client never queues
    /// internally.
    /// </summary>
    public int? MaxConcurrentRequests { get; set; }

    /// <summary>Gets or sets how many chat completions may wait for a running one to finish; beyond that, 429 with <c>Retry-After</c>. Default: 16; 0 queues none.</summary>
    public int? MaxQueuedRequests { get; set; }

    /// <summary>
    /// Gets or sets the largest <c>max_tokens</c> / <c>max_completion_tokens</c> a request may ask for (larger values get
    /// 400). A request that sets neither gets the chat client's own default (<see cref="Phi3ChatClientOptions.MaxOutputTokens"/>,
    /// <see cref="Phi3ChatClientOptions.DefaultMaxOutputTokens"/> when unset) or this ceiling, whichever is lower; for a client other than Phi-3's, the ceiling. Default: 4096.
    /// </summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets the served Phi-3 client's <see cref="Phi3ChatClientOptions.MaxOutputTokens"/> when it is not in the container's options (<c>phi3 serve</c> sets it).</summary>
    internal int? ClientDefaultOutputTokens { get; set; }

    /// <summary>Gets or sets the seconds sent in <c>Retry-After</c> with 429 (queue full) and 503 (model loading). Default: 1.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>Gets or sets the id served in <c>/v1/models</c> and responses. Default: the chat client's <see cref="Microsoft.Extensions.AI.ChatClientMetadata.DefaultModelId"/>.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the key of the keyed <see cref="Microsoft.Extensions.AI.IChatClient"/> to serve. Default: the unkeyed one.</summary>
    public object? ChatClientKey { get; set; }
}
