using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Cli;

/// <summary>A probe that reports a machine described by hand (<c>--assume</c>).</summary>
internal sealed class FixedHardwareProbe : IHardwareProbe
{
    private readonly HardwareInfo _hardware;

    public FixedHardwareProbe(HardwareInfo hardware) => _hardware = hardware;

    public ValueTask<HardwareInfo> ProbeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_hardware);
    }
}
