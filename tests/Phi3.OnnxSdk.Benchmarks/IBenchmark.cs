namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// One benchmark, run by name from <c>scripts/bench.sh</c>. Each prints its figures beside a
/// baseline measured in the same run.
/// </summary>
internal interface IBenchmark
{
    /// <summary>Gets the name used on the command line.</summary>
    string Name { get; }

    /// <summary>Gets a one-line description.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark; <paramref name="quick"/> keeps it under a few minutes on the tiny model.</summary>
    Task RunAsync(BenchmarkContext context);
}
