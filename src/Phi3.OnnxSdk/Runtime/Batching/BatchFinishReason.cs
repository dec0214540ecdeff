namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>Why a batched generation ended normally.</summary>
internal enum BatchFinishReason
{
    /// <summary>The model produced an end-of-sequence token (it is not streamed).</summary>
    EndOfSequence,

    /// <summary>The request's <see cref="BatchRequest.MaxNewTokens"/> were generated.</summary>
    Length,
}
