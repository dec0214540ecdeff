using System.Reflection;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>
/// Reads the native pointer behind a managed onnxruntime-genai object, which the 0.18 package keeps in a private field:
/// the <c>OgaModel*</c> for the batching engine and the multimodal processor (both retain the model, so the pointer is
/// only borrowed for that call), and the <c>OgaGenerator*</c> for <c>OgaGenerator_SetInputs</c> with named tensors the
/// SDK edited (the managed <c>NamedTensors</c> cannot be edited; the caller holds the generator during the call).
/// </summary>
internal static class NativeHandleAccessor
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;
    private static readonly FieldInfo? ModelField = typeof(Model).GetField("_modelHandle", Private);
    private static readonly FieldInfo? GeneratorField = typeof(Generator).GetField("_generatorHandle", Private);

    /// <summary>Gets the native model pointer.</summary>
    /// <exception cref="ObjectDisposedException">The model has been disposed.</exception>
    /// <exception cref="NotSupportedException">This onnxruntime-genai version keeps the pointer elsewhere.</exception>
    public static IntPtr GetHandle(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Read(model, ModelField, "Model._modelHandle", "the batching engine and images need");
    }

    /// <summary>Gets the native generator pointer.</summary>
    /// <exception cref="ObjectDisposedException">The generator has been disposed.</exception>
    /// <exception cref="NotSupportedException">This onnxruntime-genai version keeps the pointer elsewhere.</exception>
    public static IntPtr GetHandle(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Read(generator, GeneratorField, "Generator._generatorHandle", "images need");
    }

    private static IntPtr Read(object owner, FieldInfo? field, string fieldName, string neededBy)
    {
        if (field?.FieldType != typeof(IntPtr))
        {
            throw new NotSupportedException($"This onnxruntime-genai version does not expose {fieldName}, which {neededBy} (tested with 0.18.0).");
        }

        var handle = (IntPtr)field.GetValue(owner)!;
        return handle == IntPtr.Zero ? throw new ObjectDisposedException(owner.GetType().Name) : handle;
    }
}
