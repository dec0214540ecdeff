using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Resolution;

/// <summary>Whether one variant can run on a machine: the facts behind a <see cref="CandidateVerdict"/>.</summary>
/// <param name="Variant">The candidate.</param>
/// <param name="CanRun">The device, its provider and enough memory are all there.</param>
/// <param name="Blocked">The device or its provider is missing (not merely short of memory).</param>
/// <param name="RuntimeMissing">The device is there but its onnxruntime-genai provider cannot load.</param>
/// <param name="RequiredBytes">Estimated memory need.</param>
/// <param name="Detail">Readable explanation without the variant name.</param>
internal sealed record CandidateAssessment(ModelVariant Variant, bool CanRun, bool Blocked, bool RuntimeMissing, long RequiredBytes, string Detail);
