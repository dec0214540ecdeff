namespace Phi3.OnnxSdk.Hardware;

/// <summary>The operating system family, which decides the providers that can exist (DirectML is Windows only).</summary>
public enum OperatingSystemKind
{
    /// <summary>Another OS.</summary>
    Other,

    /// <summary>Windows.</summary>
    Windows,

    /// <summary>Linux.</summary>
    Linux,

    /// <summary>macOS.</summary>
    MacOS,
}
