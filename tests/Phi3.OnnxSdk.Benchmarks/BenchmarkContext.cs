namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>What every benchmark receives: the quick flag, extra arguments and the output.</summary>
/// <param name="Quick">Run on small inputs only (the tiny model), finishing in minutes.</param>
/// <param name="Arguments">Arguments after the benchmark name, other than <c>--quick</c>.</param>
/// <param name="Output">Where to print results.</param>
internal sealed record BenchmarkContext(bool Quick, IReadOnlyList<string> Arguments, TextWriter Output)
{
    /// <summary>Gets the value after <paramref name="option"/>, or <paramref name="fallback"/>.</summary>
    public string Option(string option, string fallback)
    {
        for (int i = 0; i + 1 < Arguments.Count; i++)
        {
            if (Arguments[i] == option)
            {
                return Arguments[i + 1];
            }
        }

        return fallback;
    }
}
