namespace Phi3.OnnxSdk.Resolution;

/// <summary>Where a Phi-3 chat client runs: on this machine, on a remote OpenAI-compatible endpoint, or here when this machine can.</summary>
public enum Phi3Placement
{
    /// <summary>Only on this machine; a model this machine cannot run is an error (<see cref="VariantResolutionException"/>).</summary>
    LocalOnly,

    /// <summary>Only on the remote endpoint; nothing is resolved, downloaded or loaded here.</summary>
    RemoteOnly,

    /// <summary>On this machine when the resolver finds a variant of the requested family that runs here; otherwise on the remote endpoint.</summary>
    LocalFirst,
}
