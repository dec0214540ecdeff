using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk.Vision;

/// <summary>
/// Feeds a vision prompt to a new generator. onnxruntime-genai's processor turns the images into
/// <c>pixel_values</c> and <c>image_sizes</c> for a prompt of tags only (<c>&lt;|image_1|&gt;&lt;|image_2|&gt;...</c>, made
/// here, never from message text); its <c>input_ids</c> are dropped, its <c>num_image_tokens</c> are checked against the
/// placeholders the SDK put in the prompt, and the SDK's own prompt ids go to the generator. So text that spells a tag
/// stays text. The images are PNGs the SDK encoded (<see cref="ImageDecoder"/>).
/// </summary>
/// <remarks>
/// Thread-safe: the native processor is created once and used under a lock. It holds a model lease until disposed; a
/// call in flight keeps it alive (SafeHandle).
/// </remarks>
internal sealed class VisionProcessor : IDisposable
{
    private readonly Phi3Model _model;
    private readonly Lock _gate = new();
    private OgaProcessorHandle? _processor;
    private ModelLease? _lease;
    private bool _disposed;

    public VisionProcessor(Phi3Model model) => _model = model;

    /// <summary>
    /// Sets the images of <paramref name="prompt"/> on the new <paramref name="session"/> (nothing fed yet) and feeds
    /// the whole prompt at once: the vision graph runs with this first prefill (the runtime takes images only then).
    /// The caller holds a model lease.
    /// </summary>
    /// <returns>The prompt tokens fed: all of them.</returns>
    /// <exception cref="InvalidOperationException">onnxruntime-genai refused the images, or its token counts differ from the prompt's placeholders.</exception>
    public int Prefill(Chat.KvSession session, int[] prompt, IReadOnlyList<VisionImage> images, ref long prefilledTokens)
    {
        Prefill(session.Generator, prompt, images);
        session.Tokens.AddRange(prompt);
        Interlocked.Add(ref prefilledTokens, prompt.Length);
        return prompt.Length;
    }

    private void Prefill(Generator generator, int[] prompt, IReadOnlyList<VisionImage> images)
    {
        using var loaded = Load(images);
        string tags = string.Concat(Enumerable.Range(1, images.Count).Select(n => $"<|image_{n}|>"));
        OgaNamedTensorsHandle inputs;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _processor ??= CreateProcessor();
            IntPtr result = VisionNativeMethods.OgaProcessorProcessImages(_processor, tags, loaded, out IntPtr created);
            inputs = OgaNamedTensorsHandle.FromCall(result, created);
        }

        using (inputs)
        {
            CheckTokenCounts(inputs, prompt, images);
            NativeError.ThrowIfFailed(VisionNativeMethods.OgaNamedTensorsDelete(inputs, "input_ids"));
            NativeError.ThrowIfFailed(VisionNativeMethods.OgaGenerator_SetInputs(NativeHandleAccessor.GetHandle(generator), inputs));
            generator.AppendTokens(prompt);
        }
    }

    /// <summary>Frees the native processor (once no call uses it) and its model lease.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _processor?.Dispose();
            _lease?.Dispose();
        }
    }

    private OgaProcessorHandle CreateProcessor()
    {
        var lease = _model.AcquireLease();
        try
        {
            IntPtr result = VisionNativeMethods.OgaCreateMultiModalProcessor(NativeHandleAccessor.GetHandle(_model.NativeModel), out IntPtr created);
            var processor = OgaProcessorHandle.FromCall(result, created);
            _lease = lease;
            return processor;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private static unsafe OgaImagesHandle Load(IReadOnlyList<VisionImage> images)
    {
        var pins = new GCHandle[images.Count];
        try
        {
            var data = new IntPtr[images.Count];
            var sizes = new nuint[images.Count];
            for (int i = 0; i < images.Count; i++)
            {
                pins[i] = GCHandle.Alloc(images[i].Png, GCHandleType.Pinned);
                data[i] = pins[i].AddrOfPinnedObject();
                sizes[i] = (nuint)images[i].Png.Length;
            }

            fixed (IntPtr* dataPointer = data)
            fixed (nuint* sizePointer = sizes)
            {
                // The runtime copies the bytes.
                IntPtr result = VisionNativeMethods.OgaLoadImagesFromBuffers((void**)dataPointer, sizePointer, (nuint)images.Count, out IntPtr created);
                return OgaImagesHandle.FromCall(result, created);
            }
        }
        finally
        {
            foreach (var pin in pins)
            {
                if (pin.IsAllocated)
                {
                    pin.Free();
                }
            }
        }
    }

    /// <summary>Checks that the processor's token count of each image equals the placeholders of that image in <paramref name="prompt"/>.</summary>
    private static unsafe void CheckTokenCounts(OgaNamedTensorsHandle inputs, int[] prompt, IReadOnlyList<VisionImage> images)
    {
        NativeError.ThrowIfFailed(VisionNativeMethods.OgaNamedTensorsGet(inputs, "num_image_tokens", out IntPtr tensor));
        if (tensor == IntPtr.Zero)
        {
            throw new InvalidOperationException("onnxruntime-genai's processor gave no num_image_tokens; this runtime version is not supported for images (tested with 0.18.0).");
        }

        try
        {
            NativeError.ThrowIfFailed(VisionNativeMethods.OgaTensorGetType(tensor, out int type));
            NativeError.ThrowIfFailed(VisionNativeMethods.OgaTensorGetShapeRank(tensor, out nuint rank));
            var shape = new long[(int)rank];
            fixed (long* shapePointer = shape)
            {
                NativeError.ThrowIfFailed(VisionNativeMethods.OgaTensorGetShape(tensor, shapePointer, rank));
            }

            long count = shape.Aggregate(1L, (a, b) => a * b);
            NativeError.ThrowIfFailed(VisionNativeMethods.OgaTensorGetData(tensor, out IntPtr data));
            if (type != VisionNativeMethods.ElementTypeInt64 || count != images.Count)
            {
                throw new InvalidOperationException($"onnxruntime-genai's processor gave num_image_tokens of type {type} and {count} values for {images.Count} images; this runtime version is not supported for images (tested with 0.18.0).");
            }

            var placeholders = new int[images.Count];
            foreach (int id in prompt)
            {
                if (id < 0)
                {
                    placeholders[-id - 1]++;
                }
            }

            for (int i = 0; i < images.Count; i++)
            {
                long expected = ((long*)data)[i];
                if (expected != placeholders[i])
                {
                    throw new InvalidOperationException(
                        $"onnxruntime-genai's processor gives image {i + 1} ({images[i].Width} x {images[i].Height}) {expected} tokens, but the SDK's token rule gave {placeholders[i]}; this model's processor_config.json or runtime version is not supported for images.");
                }
            }
        }
        finally
        {
            VisionNativeMethods.OgaDestroyTensor(tensor);
        }
    }
}
