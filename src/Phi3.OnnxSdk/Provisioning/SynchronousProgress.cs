namespace Phi3.OnnxSdk.Provisioning;

/// <summary>An <see cref="IProgress{T}"/> that forwards reports on the reporting thread (no synchronization-context hop, no reordering).</summary>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    public SynchronousProgress(Action<T> handler) => _handler = handler;

    public void Report(T value) => _handler(value);
}
