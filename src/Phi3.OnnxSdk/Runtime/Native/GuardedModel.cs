using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// The native model of a <see cref="Phi3Model"/>. Until it is handed out (<see cref="Phi3Model.Model"/>,
/// <c>GetService</c>), its <see cref="Phi3Model"/> frees it deterministically. Once handed out, callers may keep using
/// it after the <see cref="Phi3Model"/> is disposed: it is then freed when nothing references it any more, and until then
/// the GC is told about the native memory it holds (<see cref="HandOutLifetime"/>). A caller's
/// <see cref="Model.Dispose()"/> is ignored: the object is shared (by the SDK's generations and by every caller that
/// asked for it), and freeing it would leave the others a dangling handle, which crashes the process.
/// </summary>
internal sealed class GuardedModel : Model
{
    private readonly HandOutLifetime _lifetime;

    /// <param name="config">The config to load from.</param>
    /// <param name="nativeBytes">The size of the model's weights (its ONNX files), reported to the GC while the model is handed out.</param>
    /// <exception cref="OnnxRuntimeGenAIException">onnxruntime-genai could not load the model.</exception>
    public GuardedModel(Config config, long nativeBytes)
        : this(config, new HandOutLifetime(nativeBytes))
    {
    }

    private GuardedModel(Config config, HandOutLifetime lifetime)
        : base(config)
    {
        _lifetime = lifetime;
        _lifetime.MarkConstructed();
    }

    /// <summary>Marks the model as held outside the SDK and returns it; the caller serializes this with <see cref="ReleaseByOwner"/>.</summary>
    public Model HandOut()
    {
        _lifetime.HandOut(() => base.Dispose(false));
        return this;
    }

    /// <summary>Frees the native model now, unless it was handed out (then it is freed once unreferenced).</summary>
    public void ReleaseByOwner() => _lifetime.ReleaseByOwner(() => base.Dispose(true));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // A caller's Dispose() is ignored (the SDK frees through ReleaseByOwner); the finalizer frees, unless the
        // construction failed (_lifetime is then still null: nothing to free).
        if (_lifetime?.FinalizerMayFree(disposing) == true)
        {
            base.Dispose(disposing);
        }
    }
}
