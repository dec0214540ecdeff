namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary><c>OgaFinishReason</c>: why an engine turn stopped.</summary>
internal enum EngineFinishReason : uint
{
    /// <summary>Not finished.</summary>
    None = 0,

    /// <summary>An end-of-sequence token was generated.</summary>
    Eos = 1,

    /// <summary>A stop string matched (dynamic batching only).</summary>
    StopString = 2,

    /// <summary>The turn's generated-token cap was reached.</summary>
    MaxGeneratedTokens = 3,

    /// <summary>The request's session-token limit was reached.</summary>
    MaxSessionTokens = 4,

    /// <summary>The turn was cancelled.</summary>
    Cancelled = 5,

    /// <summary>The turn failed.</summary>
    Failed = 6,
}
