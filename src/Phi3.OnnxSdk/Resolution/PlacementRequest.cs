namespace Phi3.OnnxSdk.Resolution;

/// <summary>What <see cref="PlacementResolver"/> chooses between: the local model and a remote endpoint, under a policy.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PlacementRequest
{
    /// <summary>
    /// Gets the policy. Default (<see langword="null"/>): <see cref="Phi3Placement.RemoteOnly"/> when
    /// <see cref="RemoteEndpoint"/> is set, else <see cref="Phi3Placement.LocalOnly"/>.
    /// </summary>
    public Phi3Placement? Policy { get; init; }

    /// <summary>Gets the base address of the remote OpenAI-compatible API (for example <c>http://gpu-box:8000/v1</c>), or <see langword="null"/> for none.</summary>
    public Uri? RemoteEndpoint { get; init; }

    /// <summary>Gets the model name the remote endpoint serves (for example <c>microsoft/Phi-3-mini-128k-instruct</c> on vLLM).</summary>
    public string? RemoteModel { get; init; }

    /// <summary>Gets a local model folder that replaces the catalog (no variant is resolved for it), or <see langword="null"/>.</summary>
    public string? LocalFolder { get; init; }

    /// <summary>Gets what the local variant resolver is asked for; <see langword="null"/> for its defaults.</summary>
    public VariantResolverOptions? Local { get; init; }
}
