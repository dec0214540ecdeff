using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// <see cref="GeneratorParams"/> that are safe to create: the model's native handle is checked first (the 0.18.0
/// wrapper passes a disposed model's null handle to <c>OgaCreateGeneratorParams</c>, which dereferences it), and an
/// object whose base constructor threw is not finalized (the wrapper's finalizer would hand a null handle to
/// <c>OgaDestroyGeneratorParams</c>, which dereferences it too). The SDK creates every <see cref="GeneratorParams"/>
/// through this class, under a model lease.
/// </summary>
internal sealed class GuardedGeneratorParams : GeneratorParams
{
    private readonly bool _constructed;

    /// <exception cref="ObjectDisposedException"><paramref name="model"/> was disposed.</exception>
    /// <exception cref="OnnxRuntimeGenAIException">onnxruntime-genai refused.</exception>
    public GuardedGeneratorParams(Model model)
        : base(Checked(model))
    {
        _constructed = true;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_constructed)
        {
            base.Dispose(disposing);
        }
    }

    private static Model Checked(Model model)
    {
        NativeHandleAccessor.GetHandle(model);
        return model;
    }
}
