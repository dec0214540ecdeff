namespace Phi3.OnnxSdk.Hardware;

/// <summary>The machine's RAM as seen by the process (container limits applied where the runtime sees them).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SystemMemoryInfo
{
    /// <summary>Gets the total RAM in bytes, or <see langword="null"/> when unknown.</summary>
    public long? TotalBytes { get; init; }

    /// <summary>Gets the RAM available for new allocations in bytes, or <see langword="null"/> when unknown.</summary>
    public long? AvailableBytes { get; init; }
}
