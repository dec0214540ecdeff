namespace Phi3.OnnxSdk.Provisioning;

/// <summary>The steps from options to a running client, in order.</summary>
public enum Phi3SetupStage
{
    /// <summary>Probing the hardware and choosing a variant.</summary>
    Resolving,

    /// <summary>Fetching the variant's files from the Hugging Face hub (or finding them in the cache).</summary>
    Downloading,

    /// <summary>Loading the model into onnxruntime-genai.</summary>
    Loading,

    /// <summary>The client is ready.</summary>
    Ready,
}
