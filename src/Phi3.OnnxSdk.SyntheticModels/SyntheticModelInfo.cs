namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>What <see cref="SyntheticModelBuilder"/> wrote.</summary>
/// <param name="Folder">The model folder, loadable by onnxruntime-genai.</param>
/// <param name="Options">The shape that was built.</param>
/// <param name="Files">The files written, relative to <paramref name="Folder"/>.</param>
/// <param name="TotalBytes">The bytes written in all files.</param>
/// <param name="BuildTime">How long the build took.</param>
public sealed record SyntheticModelInfo(
    string Folder,
    SyntheticModelOptions Options,
    IReadOnlyList<string> Files,
    long TotalBytes,
    TimeSpan BuildTime);
