namespace Phi3.OnnxSdk.Catalog;

/// <summary>The onnxruntime-genai execution provider a model variant is built for.</summary>
public enum ExecutionProvider
{
    /// <summary>The CPU provider that every onnxruntime-genai build contains (catalog name <c>cpu</c>).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (catalog name <c>cuda</c>); needs the CUDA build of onnxruntime-genai.</summary>
    Cuda,

    /// <summary>DirectML on a DirectX 12 GPU, Windows only (catalog name <c>dml</c>); needs the DirectML build.</summary>
    DirectML,
}
