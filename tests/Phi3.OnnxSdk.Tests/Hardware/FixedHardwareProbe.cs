using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Tests.Hardware;

/// <summary>An <see cref="IHardwareProbe"/> that reports a fixed machine.</summary>
internal sealed class FixedHardwareProbe(HardwareInfo hardware) : IHardwareProbe
{
    public ValueTask<HardwareInfo> ProbeAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(hardware);
}
