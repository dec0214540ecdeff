using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Remote;

namespace Phi3.OnnxSdk.Resolution;

/// <summary>
/// Chooses between this machine and a remote OpenAI-compatible endpoint and says why: the remote endpoint is one more
/// candidate beside the catalog's variants. <see cref="Phi3Placement.LocalOnly"/> resolves a variant as
/// <see cref="VariantResolver"/> does; <see cref="Phi3Placement.RemoteOnly"/> takes the endpoint without probing the
/// hardware; <see cref="Phi3Placement.LocalFirst"/> takes the local variant when one runs here and the endpoint when the
/// resolver finds that none can (for example Phi-3-small, CUDA-only, on a CPU-only machine).
/// </summary>
/// <remarks>Thread-safe: the resolver holds no mutable state.</remarks>
public sealed class PlacementResolver
{
    private readonly VariantResolver _variants;

    /// <summary>Initializes a new instance of the <see cref="PlacementResolver"/> class.</summary>
    /// <param name="variants">The local variant resolver; <see langword="null"/> for one over the default catalog and environment.</param>
    public PlacementResolver(VariantResolver? variants = null) => _variants = variants ?? new VariantResolver();

    /// <summary>The policy a request gets when it names none: remote only when an endpoint is set, else local only.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The effective policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public static Phi3Placement EffectivePolicy(PlacementRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Policy ?? (request.RemoteEndpoint is null ? Phi3Placement.LocalOnly : Phi3Placement.RemoteOnly);
    }

    /// <summary>Decides where to run, probing the hardware only when the local model is a candidate.</summary>
    /// <param name="probe">The hardware probe (for example <see cref="SystemHardwareProbe"/>).</param>
    /// <param name="request">The candidates and the policy.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The decision and its reason.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="probe"/> or <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The policy needs a remote endpoint or model name that is not set, or the local request is contradictory (see <see cref="VariantResolver.Resolve"/>).</exception>
    /// <exception cref="VariantResolutionException">Under <see cref="Phi3Placement.LocalOnly"/>, nothing in the family can run here, or a forced provider or variant cannot.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<PlacementDecision> ResolveAsync(IHardwareProbe probe, PlacementRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(request);
        var policy = EffectivePolicy(request);
        if (policy == Phi3Placement.RemoteOnly || request.LocalFolder is not null)
        {
            return Resolve(hardware: null, request);
        }

        var hardware = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        return Resolve(hardware, request);
    }

    /// <summary>Decides where to run on the machine described by <paramref name="hardware"/>.</summary>
    /// <param name="hardware">The machine; may be <see langword="null"/> only when the local model is not resolved (remote only, or a local folder).</param>
    /// <param name="request">The candidates and the policy.</param>
    /// <returns>The decision and its reason.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>, or <paramref name="hardware"/> is and a variant must be resolved.</exception>
    /// <exception cref="ArgumentException">The policy needs a remote endpoint or model name that is not set, or the local request is contradictory.</exception>
    /// <exception cref="VariantResolutionException">Under <see cref="Phi3Placement.LocalOnly"/>, nothing in the family can run here, or a forced provider or variant cannot.</exception>
    public PlacementDecision Resolve(HardwareInfo? hardware, PlacementRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var policy = EffectivePolicy(request);
        if (policy != Phi3Placement.LocalOnly)
        {
            RequireRemote(request, policy);
        }

        if (policy == Phi3Placement.RemoteOnly)
        {
            string ignored = request.LocalFolder is null ? string.Empty : $"; the local folder {request.LocalFolder} is not used";
            return Remote(request, policy, $"the placement is {policy}: nothing runs on this machine{ignored}", localRejection: null);
        }

        if (request.LocalFolder is { } folder)
        {
            return new PlacementDecision
            {
                Policy = policy,
                IsRemote = false,
                LocalFolder = folder,
                Reason = policy == Phi3Placement.LocalFirst
                    ? $"a local model folder was given, so it runs here; the remote endpoint {EndpointText.Redact(request.RemoteEndpoint)} is not needed"
                    : "a local model folder was given",
            };
        }

        ArgumentNullException.ThrowIfNull(hardware);
        if (policy == Phi3Placement.LocalOnly)
        {
            var only = _variants.Resolve(hardware, request.Local);
            return new PlacementDecision { Policy = policy, IsRemote = false, Local = only, Reason = $"the placement is {policy}; {only.Variant.Id}: {only.Reason}" };
        }

        try
        {
            var local = _variants.Resolve(hardware, request.Local);
            return new PlacementDecision
            {
                Policy = policy,
                IsRemote = false,
                Local = local,
                Reason = $"this machine can run {local.Family.Id} ({local.Variant.Name}: {local.Reason}), so the remote endpoint {EndpointText.Redact(request.RemoteEndpoint)} is not needed",
            };
        }
        catch (VariantResolutionException ex)
        {
            string family = request.Local?.Family ?? _variants.Catalog.DefaultFamily;
            return Remote(request, policy, $"this machine cannot run {family}, so the remote endpoint serves it: {ex.Message}", ex.Message);
        }
    }

    private static PlacementDecision Remote(PlacementRequest request, Phi3Placement policy, string reason, string? localRejection) => new()
    {
        Policy = policy,
        IsRemote = true,
        RemoteEndpoint = request.RemoteEndpoint,
        RemoteModel = request.RemoteModel,
        Reason = reason,
        LocalRejection = localRejection,
    };

    private static void RequireRemote(PlacementRequest request, Phi3Placement policy)
    {
        if (request.RemoteEndpoint is null)
        {
            throw new ArgumentException(
                $"The placement {policy} needs a remote endpoint (Phi3Options.Remote.Endpoint, configuration key Remote:Endpoint), for example http://gpu-box:8000/v1.",
                nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.RemoteModel))
        {
            throw new ArgumentException(
                $"The placement {policy} needs the model name the endpoint {EndpointText.Redact(request.RemoteEndpoint)} serves (Phi3Options.Remote.Model, configuration key Remote:Model).",
                nameof(request));
        }
    }
}
