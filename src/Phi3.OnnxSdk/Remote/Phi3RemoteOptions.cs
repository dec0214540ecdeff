namespace Phi3.OnnxSdk.Remote;

/// <summary>
/// A remote OpenAI-compatible chat-completions endpoint (vLLM, Azure AI Foundry, Ollama, Foundry Local, another
/// <c>phi3 serve</c>): its base address, key and model name. Every property is optional: <see langword="null"/> means the
/// default. Binds from configuration (the <c>Remote</c> section of <see cref="Provisioning.Phi3Options"/>).
/// </summary>
/// <remarks>Not thread-safe to mutate; treat an instance as read-only once handed to the SDK. See docs/scale-out.md for what each server needs.</remarks>
public sealed class Phi3RemoteOptions
{
    /// <summary>Environment variable read for <see cref="ApiKey"/> when it is not set.</summary>
    public const string ApiKeyVariable = "PHI3_REMOTE_API_KEY";

    /// <summary>
    /// Gets or sets the base address of the OpenAI-compatible API, the part before <c>/chat/completions</c>: for example
    /// <c>http://127.0.0.1:8000/v1</c> (vLLM, <c>phi3 serve</c>) or <c>http://localhost:11434/v1</c> (Ollama). Default: none
    /// (no remote endpoint).
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the key sent as <c>Authorization: Bearer</c> (never logged). Default: <c>PHI3_REMOTE_API_KEY</c>, else a
    /// placeholder that servers without authentication ignore.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the model name the endpoint serves (the request's <c>model</c>), for example
    /// <c>microsoft/Phi-3-mini-128k-instruct</c> on vLLM or <c>phi3</c> on Ollama. Default: <see cref="Provisioning.Phi3Options.Model"/>.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets how long one HTTP exchange may take, streaming included. Default: the OpenAI client's (100 s).</summary>
    public TimeSpan? NetworkTimeout { get; set; }

    /// <summary>Gets or sets how many times a failed request (429, 5xx, network error) is retried with back-off. Default: the OpenAI client's (3).</summary>
    public int? MaxRetries { get; set; }
}
