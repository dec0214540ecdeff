using System.Reflection;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// Reads the native <c>OgaGenerator*</c> behind a managed <see cref="Generator"/>, for <c>OgaGenerator_SetInputs</c> with
/// named tensors the SDK edited (the managed <c>NamedTensors</c> cannot be edited). The pointer is only borrowed for
/// that call, while the caller holds the generator.
/// </summary>
internal static class GeneratorHandleAccessor
{
    private static readonly FieldInfo? HandleField =
        typeof(Generator).GetField("_generatorHandle", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Gets the native generator pointer.</summary>
    /// <exception cref="ObjectDisposedException">The generator has been disposed.</exception>
    /// <exception cref="NotSupportedException">This onnxruntime-genai version keeps the pointer elsewhere.</exception>
    public static IntPtr GetHandle(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (HandleField?.FieldType != typeof(IntPtr))
        {
            throw new NotSupportedException("This onnxruntime-genai version does not expose Generator._generatorHandle; images need the native generator pointer (tested with 0.18.0).");
        }

        var handle = (IntPtr)HandleField.GetValue(generator)!;
        return handle == IntPtr.Zero ? throw new ObjectDisposedException(nameof(Generator)) : handle;
    }
}
