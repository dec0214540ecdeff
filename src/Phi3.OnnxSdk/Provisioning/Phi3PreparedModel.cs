using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Provisioning;

/// <summary>A model ready to load: its local folder and, when it was resolved from the catalog, the resolver's choice.</summary>
/// <param name="Folder">The folder holding genai_config.json, the ONNX files and the tokenizer.</param>
/// <param name="Resolution">The resolver's choice, or <see langword="null"/> for a folder given by <see cref="Phi3Options.ModelPath"/>.</param>
/// <param name="BytesDownloaded">The bytes fetched from the hub for this call (0 when everything was cached or local).</param>
public sealed record Phi3PreparedModel(string Folder, VariantResolution? Resolution, long BytesDownloaded);
