namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>One generation for the <see cref="BatchingScheduler"/>: a tokenized prompt and its limits.</summary>
/// <param name="PromptTokens">The full prompt, already tokenized (non-empty).</param>
/// <param name="MaxNewTokens">The most tokens to generate (positive).</param>
/// <param name="Sampling">Sampling settings; null for the model defaults.</param>
internal sealed record BatchRequest(IReadOnlyList<int> PromptTokens, int MaxNewTokens, BatchSamplingOptions? Sampling = null);
