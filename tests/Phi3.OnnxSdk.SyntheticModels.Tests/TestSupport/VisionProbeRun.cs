using Phi3.OnnxSdk.VisionProbe;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;

/// <summary>How a <see cref="VisionProbeProcess"/> child ended.</summary>
/// <param name="ExitCode">The exit code, or <see langword="null"/> when it was killed after the timeout.</param>
/// <param name="Results">One result per case that finished, in order.</param>
/// <param name="Stderr">Everything it wrote on stderr: the <c>begin</c> lines and the runtime's own messages.</param>
public sealed record VisionProbeRun(int? ExitCode, IReadOnlyList<ProbeResult> Results, string Stderr)
{
    /// <summary>Gets a value indicating whether the child ran every case and exited 0.</summary>
    public bool Completed => ExitCode == 0;

    /// <summary>Gets the last <c>begin CASE STEP</c> line: where the child was when it ended.</summary>
    public string? LastStep => Stderr.Split('\n').LastOrDefault(l => l.StartsWith("begin ", StringComparison.Ordinal))?.Trim();

    /// <summary>Gets the result of the named case.</summary>
    public ProbeResult this[string name] => Results.SingleOrDefault(r => r.Name == name)
        ?? throw new InvalidOperationException($"The probe gave no result for '{name}' (exit {ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none: killed"}, last step '{LastStep}'): {Stderr}");

    /// <summary>Describes the run for an assertion message.</summary>
    public string Describe() => $"exit {ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none (killed after the timeout)"}, last step '{LastStep}', stderr: {Stderr}";
}
