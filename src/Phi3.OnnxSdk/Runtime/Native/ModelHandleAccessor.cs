using System.Reflection;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// Reads the native <c>OgaModel*</c> behind a managed <see cref="Model"/>, so the batching engine can share
/// the loaded weights instead of loading the model a second time. The managed package keeps the pointer
/// in a private field; <c>OgaCreateEngine</c> retains the model, so the pointer is only borrowed for
/// that one call.
/// </summary>
internal static class ModelHandleAccessor
{
    private static readonly FieldInfo? HandleField =
        typeof(Model).GetField("_modelHandle", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Gets the native model pointer.</summary>
    /// <exception cref="ObjectDisposedException">The model has been disposed.</exception>
    /// <exception cref="NotSupportedException">This onnxruntime-genai version keeps the pointer elsewhere.</exception>
    public static IntPtr GetHandle(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (HandleField?.FieldType != typeof(IntPtr))
        {
            throw new NotSupportedException("This onnxruntime-genai version does not expose Model._modelHandle; the batching engine needs the native model pointer (tested with 0.18.0).");
        }

        var handle = (IntPtr)HandleField.GetValue(model)!;
        return handle == IntPtr.Zero ? throw new ObjectDisposedException(nameof(Model)) : handle;
    }
}
