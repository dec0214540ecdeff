namespace Phi3.OnnxSdk.Hardware;

/// <summary>Options for <see cref="SystemHardwareProbe"/>. A <see langword="null"/> property means the default.</summary>
/// <remarks>Not thread-safe to mutate; the probe copies the values it needs when constructed.</remarks>
public sealed class HardwareProbeOptions
{
    /// <summary>Gets or sets how long each probe may run before it is reported absent. Default: 3 seconds.</summary>
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>
    /// Gets or sets the folders searched for onnxruntime-genai provider libraries. Default: the folders the .NET host
    /// searches for this application's native libraries (and, for CUDA, the OS library path).
    /// </summary>
    public IReadOnlyList<string>? NativeLibraryDirectories { get; set; }
}
