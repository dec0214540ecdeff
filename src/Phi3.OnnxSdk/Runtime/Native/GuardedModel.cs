using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// The native model of a <see cref="Phi3Model"/>. Until it is handed out (<see cref="Phi3Model.Model"/>,
/// <c>GetService</c>), its <see cref="Phi3Model"/> frees it deterministically. Once handed out, callers may keep using
/// it after the <see cref="Phi3Model"/> is disposed: it is then freed when nothing references it any more. A caller's
/// <see cref="Model.Dispose()"/> is ignored: the object is shared (by the SDK's generations and by every caller that
/// asked for it), and freeing it would leave the others a dangling handle, which crashes the process.
/// </summary>
internal sealed class GuardedModel : Model
{
    private readonly bool _constructed;
    private readonly HandOutLifetime _lifetime = new();

    /// <exception cref="OnnxRuntimeGenAIException">onnxruntime-genai could not load the model.</exception>
    public GuardedModel(Config config)
        : base(config)
    {
        _constructed = true;
    }

    /// <summary>Marks the model as held outside the SDK and returns it; the caller serializes this with <see cref="ReleaseByOwner"/>.</summary>
    public Model HandOut()
    {
        _lifetime.HandOut(() => base.Dispose(false));
        return this;
    }

    /// <summary>Frees the native model now, unless it was handed out (then it is freed once unreferenced).</summary>
    public void ReleaseByOwner()
    {
        if (!_lifetime.IsHandedOut)
        {
            // The finalizer still runs, and finds the object disposed.
            base.Dispose(true);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // disposing: a caller's Dispose(), ignored (the SDK frees through ReleaseByOwner); otherwise the finalizer, which
        // runs once nothing references the model. A failed construction holds nothing to free.
        if (_constructed && !disposing)
        {
            base.Dispose(disposing);
        }
    }
}
