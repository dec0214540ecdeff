namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// What one token of a generator's KV cache costs in memory: a key and a value per layer, each
/// <c>num_key_value_heads x head_size</c> elements. onnxruntime-genai allocates a generator's cache for
/// <c>max_length</c> tokens at once (<c>past_present_share_buffer</c>), so a generator holds
/// <c>max_length x</c> <see cref="BytesPerToken"/> bytes for its whole life. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The element size rule: onnxruntime-genai creates the cache in the element type of the decoder graph's
/// <c>past_key_names</c> input, so that type is read from the ONNX file (fp32 in the CPU int4 variants and the
/// synthetic models, fp16 in the CUDA and DirectML variants). Neither genai_config.json nor the execution provider states
/// it (a provider only suggests it: an fp16 graph run on CPU keeps an fp16 cache). When the input is not found or
/// has a type this class does not know, fp32 (4 bytes) is assumed: over-estimating keeps a memory budget on the safe side.
/// </remarks>
internal sealed class KvCacheLayout
{
    /// <summary>The element size assumed when the graph does not tell: fp32.</summary>
    public const int FallbackElementBytes = 4;

    public KvCacheLayout(int layers, int keyValueHeads, int headSize, int elementBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyValueHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(elementBytes, 1);
        Layers = layers;
        KeyValueHeads = keyValueHeads;
        HeadSize = headSize;
        ElementBytes = elementBytes;
    }

    /// <summary>Gets the number of decoder layers.</summary>
    public int Layers { get; }

    /// <summary>Gets the number of key/value heads.</summary>
    public int KeyValueHeads { get; }

    /// <summary>Gets the size of one head.</summary>
    public int HeadSize { get; }

    /// <summary>Gets the bytes of one cache element (4 for fp32, 2 for fp16).</summary>
    public int ElementBytes { get; }

    /// <summary>Gets the bytes one token takes in the cache: 2 (key and value) x layers x KV heads x head size x element size.</summary>
    public long BytesPerToken => 2L * Layers * KeyValueHeads * HeadSize * ElementBytes;

    /// <summary>Reads the layout of the model folder <paramref name="folder"/>: its genai_config.json and decoder graph.</summary>
    /// <exception cref="Phi3ModelException">genai_config.json is missing, not JSON, or lacks a required field.</exception>
    public static KvCacheLayout Load(string folder)
    {
        var settings = GenAIModelSettings.Load(Path.Combine(folder, GenAIModelSettings.FileName));
        return FromSettings(folder, settings, OnnxGraphReader.Read(Path.Combine(folder, settings.DecoderFile)));
    }

    /// <summary>Builds the layout from parsed settings and the decoder graph (<see langword="null"/> when it could not be read) of <paramref name="folder"/>.</summary>
    /// <exception cref="Phi3ModelException">The sizes give no positive, representable number of bytes per token.</exception>
    public static KvCacheLayout FromSettings(string folder, GenAIModelSettings settings, OnnxGraphInfo? graph)
    {
        int? elementType = graph?.Inputs.GetValueOrDefault(settings.PastKeyName(0))?.ElementType;
        var layout = new KvCacheLayout(settings.NumHiddenLayers, settings.NumKeyValueHeads, settings.HeadSize, ElementBytesOf(elementType));
        long bytes;
        try
        {
            bytes = checked(2L * layout.Layers * layout.KeyValueHeads * layout.HeadSize * layout.ElementBytes);
        }
        catch (OverflowException)
        {
            bytes = -1;
        }

        if (bytes <= 0)
        {
            string config = Path.Combine(folder, GenAIModelSettings.FileName);
            throw new Phi3ModelException(config, $"'{config}' describes no usable KV cache ({layout.Layers} layers x {layout.KeyValueHeads} KV heads x head size {layout.HeadSize}): the file is damaged or not a decoder model's config; download the model again.");
        }

        return layout;
    }

    /// <summary>
    /// The size of an ONNX <c>TensorProto.DataType</c> that can hold a KV cache; <see cref="FallbackElementBytes"/> for
    /// <see langword="null"/> and for other types.
    /// </summary>
    public static int ElementBytesOf(int? onnxElementType) => onnxElementType switch
    {
        1 => 4, // FLOAT
        10 => 2, // FLOAT16
        16 => 2, // BFLOAT16
        11 => 8, // DOUBLE
        2 or 3 => 1, // UINT8, INT8
        >= 17 and <= 20 => 1, // FLOAT8 variants
        _ => FallbackElementBytes,
    };
}
