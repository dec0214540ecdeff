namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>
/// Per-request sampling settings for a batched turn. A null property means "the model's configured
/// default" (genai_config.json <c>search</c>). Per-turn seeds are not offered: the CPU engine's static
/// batching rejects them.
/// </summary>
internal sealed record BatchSamplingOptions
{
    /// <summary>Gets whether to sample (true) or take the top logit (false).</summary>
    public bool? DoSample { get; init; }

    /// <summary>Gets the sampling temperature; only valid when sampling.</summary>
    public float? Temperature { get; init; }

    /// <summary>Gets the nucleus bound, 0 to 1; only valid when sampling.</summary>
    public float? TopP { get; init; }

    /// <summary>Gets the top-k bound; 1 means greedy.</summary>
    public int? TopK { get; init; }

    /// <summary>Gets the repetition penalty (greater than zero).</summary>
    public float? RepetitionPenalty { get; init; }
}
