namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>One timed run of <see cref="RawVisionFirstToken"/>.</summary>
/// <param name="FirstToken">From the image bytes to the first generated token.</param>
/// <param name="Processed">The part spent decoding and transforming the image (<c>Images.Load</c> and <c>ProcessImages</c>).</param>
/// <param name="InputTokens">The prompt length after the image tag was expanded.</param>
/// <param name="Token">The first token, to check that paired paths agree.</param>
internal sealed record RawVisionTiming(TimeSpan FirstToken, TimeSpan Processed, int InputTokens, int Token);
