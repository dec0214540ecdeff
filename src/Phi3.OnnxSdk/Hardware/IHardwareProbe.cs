namespace Phi3.OnnxSdk.Hardware;

/// <summary>Describes the machine the SDK runs on. Replace it to resolve variants for another (or a fake) machine.</summary>
public interface IHardwareProbe
{
    /// <summary>Probes the machine.</summary>
    /// <param name="cancellationToken">Stops waiting for the probes; results gathered so far are not returned.</param>
    /// <returns>What was found. Implementations never throw for missing or failing hardware: they report it absent with a note.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<HardwareInfo> ProbeAsync(CancellationToken cancellationToken = default);
}
