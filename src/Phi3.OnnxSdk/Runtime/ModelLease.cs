namespace Phi3.OnnxSdk.Runtime;

/// <summary>Keeps a <see cref="Phi3Model"/>'s native objects alive while held; disposing releases it once.</summary>
internal sealed class ModelLease : IDisposable
{
    private Phi3Model? _model;

    public ModelLease(Phi3Model model) => _model = model;

    public void Dispose() => Interlocked.Exchange(ref _model, null)?.ReleaseLease();
}
