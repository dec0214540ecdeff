using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// The native tokenizer of a <see cref="Phi3Model"/>, with the lifetime rules of <see cref="GuardedModel"/>
/// (<see cref="HandOutLifetime"/>). It also closes a crash of the 0.18.0 managed wrapper: a <see cref="Tokenizer"/>
/// whose constructor threw is still finalized, and its finalizer passes a null handle to <c>OgaDestroyTokenizer</c>,
/// which dereferences it (SIGSEGV on the finalizer thread, at a random later moment). Here the finalizer of an object
/// whose base constructor threw does nothing.
/// </summary>
internal sealed class GuardedTokenizer : Tokenizer
{
    private readonly HandOutLifetime _lifetime;

    /// <exception cref="OnnxRuntimeGenAIException">onnxruntime-genai could not load the tokenizer.</exception>
    public GuardedTokenizer(Model model)
        : base(model)
    {
        _lifetime = new HandOutLifetime();
        _lifetime.MarkConstructed();
    }

    /// <summary>Marks the tokenizer as held outside the SDK and returns it; the caller serializes this with <see cref="ReleaseByOwner"/>.</summary>
    public Tokenizer HandOut()
    {
        _lifetime.HandOut(() => base.Dispose(false));
        return this;
    }

    /// <summary>Frees the native tokenizer now, unless it was handed out (then it is freed once unreferenced).</summary>
    public void ReleaseByOwner() => _lifetime.ReleaseByOwner(() => base.Dispose(true));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // _lifetime is null when the base constructor threw: nothing to free.
        if (_lifetime?.FinalizerMayFree(disposing) == true)
        {
            base.Dispose(disposing);
        }
    }
}
