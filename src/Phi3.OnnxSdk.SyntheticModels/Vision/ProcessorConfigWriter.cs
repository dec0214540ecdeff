using System.Text.Json;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Writes processor_config.json as Phi-3-vision's ONNX folders have it: decode the image (BGR),
/// convert to RGB, then the Phi-3 HD transform (<c>Phi3ImageTransform</c>, 336-pixel crops,
/// 144 tokens per crop). onnxruntime-genai reads it from the folder named in genai_config.json.
/// </summary>
internal static class ProcessorConfigWriter
{
    public const string FileName = "processor_config.json";

    public static byte[] Create()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("processor");
            w.WriteString("name", "image_processing");
            w.WriteStartArray("transforms");
            WriteOperation(w, "decode_image", "DecodeImage", a => a.WriteString("color_space", "BGR"));
            WriteOperation(w, "convert_to_rgb", "ConvertRGB", null);
            WriteOperation(w, "phi3_image_transform", "Phi3ImageTransform", a =>
            {
                a.WriteNumber("num_crops", Phi3VisionTokenRule.MaxCrops);
                a.WriteNumber("num_img_tokens", Phi3VisionTokenRule.TokensPerCrop);
            });
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteOperation(Utf8JsonWriter w, string name, string type, Action<Utf8JsonWriter>? attributes)
    {
        w.WriteStartObject();
        w.WriteStartObject("operation");
        w.WriteString("name", name);
        w.WriteString("domain", "com.microsoft.extensions");
        w.WriteString("type", type);
        if (attributes is not null)
        {
            w.WriteStartObject("attrs");
            attributes(w);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }
}
