using System.Globalization;

namespace Phi3.OnnxSdk.Cli;

/// <summary>Timing of one answer: time to first token and decode speed.</summary>
/// <param name="TimeToFirstToken">From sending the request to the first text.</param>
/// <param name="Total">From sending the request to the last update.</param>
/// <param name="OutputTokens">Tokens generated (from the usage report).</param>
internal sealed record AnswerStats(TimeSpan TimeToFirstToken, TimeSpan Total, long OutputTokens)
{
    /// <summary>Gets the decode rate: tokens after the first over the time after the first token.</summary>
    public double TokensPerSecond
    {
        get
        {
            var decode = Total - TimeToFirstToken;
            return OutputTokens > 1 && decode > TimeSpan.Zero
                ? (OutputTokens - 1) / decode.TotalSeconds
                : OutputTokens / Math.Max(Total.TotalSeconds, 1e-9);
        }
    }

    /// <summary>Returns for example <c>[first token 0.12 s · 57 tokens in 1.40 s · 44.5 tokens/s]</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"[first token {TimeToFirstToken.TotalSeconds:0.00} s · {OutputTokens} tokens in {Total.TotalSeconds:0.00} s · {TokensPerSecond:0.0} tokens/s]");
}
