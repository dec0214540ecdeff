using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Tests.Hub;
using static Phi3.OnnxSdk.Benchmarks.Statistics;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// Ranged downloads on several connections against one connection per file, both with <see cref="HuggingFaceDownloader"/>
/// in the same run, from the loopback fake hub: with every connection capped (<c>--cap-mbps</c>, 50 MB/s as CDNs cap
/// one connection; goal: at least 4x one connection, 6x hoped for) and uncapped (goal: the default at least 0.95 of one
/// connection). Pairs alternate which goes first; medians of the paired ratios. <c>--sweep 1,2,4,8</c> measures those
/// connection counts under the cap instead (how the default was chosen). It also prints what a verification read of the
/// finished blob would cost, and the per-chunk length check against a second writer.
/// </summary>
internal static class HubRangedBenchmark
{
    private const string Repo = "bench/ranged";
    private const string FileName = "model.onnx.data";

    // Counts the downloads that split the file among more connections (the first one was slower than the threshold).
    private static readonly FanOutCounter FanOuts = new();

    public static async Task<int> RunAsync(IReadOnlyList<string> args, bool capped, bool uncapped)
    {
        var sizeMb = 1024;
        var runs = 3;
        var capMbps = 50.0;
        var connections = HubSettings.DefaultConnectionsPerFile;
        int[]? sweep = null;
        var root = Path.GetTempPath();
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--size-mb": sizeMb = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--cap-mbps": capMbps = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--connections": connections = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--sweep": sweep = [.. args[i + 1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))]; break;
                case "--dir": root = args[i + 1]; break;
                case "--part": break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var size = sizeMb * 1024L * 1024L;
        await using var hub = new FakeHub();
        hub.AddRepo(Repo).AddFile(FileName, FakeHub.RandomBytes(checked((int)size), 43));
        var folder = Path.Combine(root, "phi3-hub-ranged-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // Warm-up of both paths (JIT, connection setup), not counted.
            await DownloadAsync(hub, folder, 1);
            await DownloadAsync(hub, folder, connections);
            if (sweep is not null)
            {
                hub.BytesPerSecondPerConnection = (long)(capMbps * 1e6);
                await SweepAsync(hub, folder, size, sweep, runs, capMbps);
                return 0;
            }

            if (capped)
            {
                hub.BytesPerSecondPerConnection = (long)(capMbps * 1e6);
                var ratio = await CompareAsync(hub, folder, size, connections, runs, $"capped at {capMbps:F0} MB/s per connection");
                Console.WriteLine($"capped: {connections} connections are {ratio:F2}x one connection (goal >= 4, hoped 6) {(ratio >= 4 ? "MET" : "NOT MET")}{(ratio >= 6 ? ", 6x reached" : string.Empty)}");
            }

            if (uncapped)
            {
                hub.BytesPerSecondPerConnection = null;
                var ratio = await CompareAsync(hub, folder, size, connections, runs, "uncapped");
                Console.WriteLine($"uncapped: {connections} connections run at {ratio:F2} of one connection's rate (goal >= 0.95) {(ratio >= 0.95 ? "MET" : "NOT MET")}");
                await PrintCheckCostsAsync(hub, folder, size, connections);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    /// <summary>Times one connection and <paramref name="connections"/>, alternating which goes first; returns the median paired ratio (one's time over the other's).</summary>
    private static async Task<double> CompareAsync(FakeHub hub, string folder, long size, int connections, int runs, string label)
    {
        var fannedOut = FanOuts.Count;
        var single = new List<double>();
        var ranged = new List<double>();
        var singleCpu = new List<double>();
        var rangedCpu = new List<double>();
        var ratios = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            double one = 0, many = 0;
            for (var leg = 0; leg < 2; leg++)
            {
                if ((leg == 0) == (run % 2 == 1))
                {
                    one = await DownloadAsync(hub, folder, 1, cpu: singleCpu);
                }
                else
                {
                    many = await DownloadAsync(hub, folder, connections, cpu: rangedCpu);
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            single.Add(one);
            ranged.Add(many);
            ratios.Add(one / many);
            Console.WriteLine($"{label}, run {run}: one connection {size / one / 1e6:F0} MB/s ({one:F2} s, {singleCpu[^1]:F2} CPU-s), {connections} connections {size / many / 1e6:F0} MB/s ({many:F2} s, {rangedCpu[^1]:F2} CPU-s), ratio {one / many:F2}");
        }

        var ratio = Median(ratios);
        var rates = FanOuts.FirstRates.Skip(FanOuts.FirstRates.Count - (FanOuts.Count - fannedOut)).Select(r => (r / 1e6).ToString("F0", CultureInfo.InvariantCulture));
        Console.WriteLine($"{label}: the first connection was joined by others in {FanOuts.Count - fannedOut} of the {runs} downloads with {connections} connections allowed (its rate then, MB/s: {string.Join(", ", rates)}; threshold {HubSettings.DefaultFanOutBelowBytesPerSecond / 1e6:F0})");
        Console.WriteLine($"{label}, median of {runs}: one connection {size / Median(single) / 1e6:F0} MB/s ({Median(singleCpu) * (1L << 30) / size:F2} CPU-s/GiB), {connections} connections {size / Median(ranged) / 1e6:F0} MB/s ({Median(rangedCpu) * (1L << 30) / size:F2} CPU-s/GiB); median paired ratio {ratio:F2} (quartiles {Quantile(ratios, 0.25):F2} to {Quantile(ratios, 0.75):F2})");
        return ratio;
    }

    private static async Task SweepAsync(FakeHub hub, string folder, long size, int[] counts, int runs, double capMbps)
    {
        double? baseline = null;
        foreach (var count in counts)
        {
            var times = new List<double>();
            var cpu = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                times.Add(await DownloadAsync(hub, folder, count, cpu: cpu));
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }

            var rate = size / Median(times) / 1e6;
            baseline ??= rate / count;
            Console.WriteLine($"sweep, capped at {capMbps:F0} MB/s per connection: {count,2} connections {rate,6:F0} MB/s ({rate / (capMbps * count):P0} of {count} x the cap), {rate / baseline:F2}x one connection, {Median(cpu) * (1L << 30) / size:F2} CPU-s/GiB (median of {runs})");
        }
    }

    /// <summary>
    /// What guarding against a second writer costs: the length check before each chunk (one fstat), and, for
    /// comparison, a verification read (re-reading and hashing the finished blob) before it is published.
    /// </summary>
    private static async Task PrintCheckCostsAsync(FakeHub hub, string folder, long size, int connections)
    {
        var cache = Path.Combine(folder, "checks");
        var download = await DownloadAsync(hub, cache, connections, keep: true);
        var blob = Directory.GetFiles(Path.Combine(cache, "models--bench--ranged", "blobs")).Single();
        var clock = Stopwatch.StartNew();
        await using (var stream = new FileStream(blob, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            await SHA256.HashDataAsync(stream);
        }

        var verify = clock.Elapsed.TotalSeconds;
        using var handle = File.OpenHandle(blob);
        const int Calls = 100_000;
        clock.Restart();
        for (var i = 0; i < Calls; i++)
        {
            RandomAccess.GetLength(handle);
        }

        var perCheck = clock.Elapsed.TotalSeconds / Calls;
        var checks = size / HuggingFaceDownloader.DirectChunkSize;
        Directory.Delete(cache, recursive: true);
        Console.WriteLine($"second-writer checks: {checks} length checks ({perCheck * 1e6:F2} us each) cost {checks * perCheck * 1e3:F2} ms per download of {download:F2} s; a verification read of the blob would cost {verify:F2} s ({verify / download:P0} of the download)");
    }

    private static async Task<double> DownloadAsync(FakeHub hub, string folder, int connections, bool keep = false, List<double>? cpu = null)
    {
        var cache = keep ? folder : Path.Combine(folder, "cache-" + Guid.NewGuid().ToString("N"));
        using var downloader = new HuggingFaceDownloader(new HubClientOptions { Endpoint = hub.Endpoint, CacheDirectory = cache, ConnectionsPerFile = connections, Logger = FanOuts });
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var snapshot = await downloader.DownloadAsync(new HubDownloadRequest { RepoId = Repo, Files = [new HubFile(FileName)] });
        var seconds = clock.Elapsed.TotalSeconds;
        cpu?.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
        if (snapshot.BytesDownloaded == 0)
        {
            throw new InvalidOperationException("The SDK download did not fetch the file.");
        }

        if (!keep)
        {
            Directory.Delete(cache, recursive: true);
        }

        return seconds;
    }

    private sealed class FanOutCounter : ILogger
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        /// <summary>Gets the first connection's rate each split download measured (0: it had shown nothing after 100 ms).</summary>
        public System.Collections.Concurrent.ConcurrentQueue<double> FirstRates { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "DownloadingRanges")
            {
                Interlocked.Increment(ref _count);
                if (state is IEnumerable<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "FirstRate").Value is double rate)
                {
                    FirstRates.Enqueue(rate);
                }
            }
        }
    }
}
