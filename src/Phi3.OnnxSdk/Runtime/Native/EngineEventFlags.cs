namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary><c>OgaEngineEventFlags</c>: what an engine event carries.</summary>
[Flags]
internal enum EngineEventFlags : uint
{
    /// <summary>No payload.</summary>
    None = 0,

    /// <summary>The event carries a generated token.</summary>
    Token = 1u << 0,

    /// <summary>The turn finished; the finish reason is set.</summary>
    TurnFinished = 1u << 1,

    /// <summary>The request waits for capacity (a full static batch).</summary>
    CapacityBlocked = 1u << 2,

    /// <summary>The turn failed; the error code is set.</summary>
    Failed = 1u << 3,

    /// <summary>The failure may succeed when retried.</summary>
    Retryable = 1u << 4,
}
