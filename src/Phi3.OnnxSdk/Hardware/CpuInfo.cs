using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>The processor the SDK runs on.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record CpuInfo
{
    /// <summary>Gets the process architecture (the native libraries loaded must match it).</summary>
    public Architecture Architecture { get; init; } = Architecture.X64;

    /// <summary>Gets the processor model name when the OS reports it, else <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the number of logical processors available to the process.</summary>
    public int LogicalCores { get; init; } = 1;

    /// <summary>Gets a value indicating whether AVX2 is supported (x86/x64).</summary>
    public bool HasAvx2 { get; init; }

    /// <summary>Gets a value indicating whether AVX-512F is supported (x86/x64).</summary>
    public bool HasAvx512 { get; init; }

    /// <summary>Gets a value indicating whether NEON (AdvSimd) is supported (Arm64).</summary>
    public bool HasNeon { get; init; }
}
