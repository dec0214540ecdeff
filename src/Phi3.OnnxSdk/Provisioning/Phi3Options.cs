using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Remote;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Provisioning;

/// <summary>
/// Everything needed to go from nothing to a running Phi-3 chat client: which model (a local folder, or a family
/// the resolver picks a variant of, or a remote OpenAI-compatible endpoint), the download settings and the client
/// settings. Every property is optional:
/// <see langword="null"/> means the default. The class binds from configuration (for example an appsettings section).
/// </summary>
/// <remarks>Not thread-safe to mutate; treat an instance as read-only once handed to the SDK.</remarks>
public sealed class Phi3Options
{
    /// <summary>
    /// Gets or sets a local model folder (genai_config.json, ONNX files, tokenizer). When set, no variant is
    /// resolved and nothing is downloaded. Default: <see langword="null"/>.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets the model family or alias to resolve, for example <c>phi-3-mini-4k-instruct</c>. Default: the catalog's default (<c>PHI3_MODEL</c> when set).</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets a provider to force: <c>cpu</c>, <c>cuda</c>, <c>dml</c> or <c>auto</c>. Default: chosen from the hardware (<c>PHI3_PROVIDER</c> when set).</summary>
    public string? Provider { get; set; }

    /// <summary>Gets or sets a variant to force, by id or name. Default: chosen from the hardware (<c>PHI3_VARIANT</c> when set).</summary>
    public string? Variant { get; set; }

    /// <summary>Gets or sets whether the resolver favours quality or speed. Default: quality.</summary>
    public VariantPreference? Preference { get; set; }

    /// <summary>Gets or sets the most memory (RAM or VRAM) the model may take, in bytes. Default: what the hardware has.</summary>
    public long? MemoryCeilingBytes { get; set; }

    /// <summary>Gets or sets a catalog file whose entries are merged over the shipped <c>models.json</c>. Default: none.</summary>
    public string? CatalogPath { get; set; }

    /// <summary>Gets or sets the Hugging Face download settings (endpoint, token, cache, offline, symbolic links or copies, re-hashing of cached files). Never <see langword="null"/> after construction.</summary>
    public HubClientOptions Hub { get; set; } = new();

    /// <summary>
    /// Gets or sets where the client runs: <see cref="Phi3Placement.LocalOnly"/>, <see cref="Phi3Placement.RemoteOnly"/>
    /// (the <see cref="Remote"/> endpoint), or <see cref="Phi3Placement.LocalFirst"/> (here when this machine can run the
    /// family, else remote). Default: remote only when <see cref="Phi3RemoteOptions.Endpoint"/> is set, else local only.
    /// </summary>
    public Phi3Placement? Placement { get; set; }

    /// <summary>
    /// Gets or sets the remote OpenAI-compatible endpoint (base address, key, model name) used when the placement chooses
    /// it. Never <see langword="null"/> after construction; its <see cref="Phi3RemoteOptions.Endpoint"/> is unset by default.
    /// </summary>
    public Phi3RemoteOptions Remote { get; set; } = new();

    /// <summary>Gets or sets the chat client settings. Never <see langword="null"/> after construction.</summary>
    public Phi3ChatClientOptions ChatClient { get; set; } = new();

    /// <summary>A copy whose <see cref="ChatClient"/> is a copy too (<see cref="Phi3ChatClientOptions.Clone"/>); <see cref="Hub"/> and <see cref="Remote"/> are shared.</summary>
    /// <returns>The copy.</returns>
    internal Phi3Options Clone() => new()
    {
        ModelPath = ModelPath,
        Model = Model,
        Provider = Provider,
        Variant = Variant,
        Preference = Preference,
        MemoryCeilingBytes = MemoryCeilingBytes,
        CatalogPath = CatalogPath,
        Hub = Hub,
        Placement = Placement,
        Remote = Remote,
        ChatClient = ChatClient?.Clone() ?? new(),
    };
}
