namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>One generation for an <see cref="IBatchScheduler"/>: a tokenized prompt and its limits.</summary>
/// <param name="PromptTokens">The full prompt, already tokenized (non-empty).</param>
/// <param name="MaxNewTokens">The most tokens to generate (positive).</param>
/// <param name="Sampling">Sampling settings; null for the model defaults.</param>
internal sealed record BatchRequest(IReadOnlyList<int> PromptTokens, int MaxNewTokens, BatchSamplingOptions? Sampling = null)
{
    /// <summary>Checks a request handed to a scheduler.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or its prompt is null.</exception>
    /// <exception cref="ArgumentException">The prompt is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The token limit is not positive.</exception>
    public static void Validate(BatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.PromptTokens);
        if (request.PromptTokens.Count == 0)
        {
            throw new ArgumentException("The prompt has no tokens; a generation needs at least one prompt token.", nameof(request));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxNewTokens, nameof(request));
    }
}
