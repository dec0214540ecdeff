using System.Diagnostics;
using System.Globalization;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Tests.Hub;
using static Phi3.OnnxSdk.Benchmarks.Statistics;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// Downloads one large LFS file from the loopback fake hub with <see cref="HuggingFaceDownloader"/> (HEAD, CDN
/// redirect, SHA-256 verification, direct writes, fsync, rename, snapshot link) and, in the same run, with a plain
/// HttpClient stream copy of the CDN address to a file; prints both rates and their ratio (goal: at least 0.9). For
/// comparison it also measures the SDK with <see cref="HubClientOptions.UseDirectIO"/> off and a simple verifying copy.
/// </summary>
internal static class HubDownloadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMb = 1024;
        var runs = 3;
        var root = Path.Combine(Path.GetTempPath(), "phi3-hub-bench-" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--size-mb": sizeMb = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--dir": root = Path.Combine(args[i + 1], "phi3-hub-bench-" + Guid.NewGuid().ToString("N")); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var size = sizeMb * 1024L * 1024L;
        Console.WriteLine($"Preparing a {sizeMb} MiB file on the loopback fake hub...");
        await using var hub = new FakeHub();
        var repo = hub.AddRepo("bench/model");
        var file = repo.AddFile("model.onnx.data", FakeHub.RandomBytes(checked((int)size), 42));
        var cdnUrl = new Uri(hub.CdnBase, $"/cdn/{file.Sha256}");
        Directory.CreateDirectory(root);

        var plain = new List<double>();
        var sdk = new List<double>();
        var plainCpu = new List<double>();
        var sdkCpu = new List<double>();
        var hashed = new List<double>();
        var buffered = new List<double>();
        var ratios = new List<double>();
        try
        {
            // One warm-up of each path (JIT, connection setup), not counted.
            // Each output is deleted at once: gigabytes of dirty pages left behind would start the kernel's write-back,
            // which throttles whichever buffered copy comes next.
            await PlainCopyAsync(cdnUrl, Path.Combine(root, "warm.bin"));
            File.Delete(Path.Combine(root, "warm.bin"));
            await HashedCopyAsync(cdnUrl, Path.Combine(root, "warm-hashed.bin"), file.Sha256);
            File.Delete(Path.Combine(root, "warm-hashed.bin"));
            await SdkDownloadAsync(hub, Path.Combine(root, "warm-cache"), directIO: true);
            Directory.Delete(Path.Combine(root, "warm-cache"), recursive: true);
            await Task.Delay(TimeSpan.FromSeconds(1));
            for (var run = 1; run <= runs; run++)
            {
                // Alternate which goes first; each transfer starts from a settled state (the previous output deleted,
                // so its dirty pages are dropped, and a short pause), so that write-back of one does not slow the other.
                double p = 0, s = 0;
                for (var leg = 0; leg < 2; leg++)
                {
                    // CPU time of this process (the in-process hub serving, the client receiving, hashing, writing);
                    // kernel write-back threads are not counted.
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    if ((leg == 0) == (run % 2 == 1))
                    {
                        var target = Path.Combine(root, $"plain-{run}.bin");
                        p = await PlainCopyAsync(cdnUrl, target);
                        plainCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
                        File.Delete(target);
                    }
                    else
                    {
                        var cache = Path.Combine(root, $"cache-{run}");
                        s = await SdkDownloadAsync(hub, cache, directIO: true);
                        sdkCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
                        Directory.Delete(cache, recursive: true);
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1));
                }

                // For comparison, measured after the pair: the SDK writing through the page cache, and a simple
                // verifying copy (the plain copy with SHA-256 on a second thread; no fsync, no lock, no progress).
                var bufferedCache = Path.Combine(root, $"buffered-{run}");
                var b = await SdkDownloadAsync(hub, bufferedCache, directIO: false);
                Directory.Delete(bufferedCache, recursive: true);
                buffered.Add(b);
                await Task.Delay(TimeSpan.FromSeconds(1));
                var hashedTarget = Path.Combine(root, $"hashed-{run}.bin");
                var h = await HashedCopyAsync(cdnUrl, hashedTarget, file.Sha256);
                File.Delete(hashedTarget);
                hashed.Add(h);
                await Task.Delay(TimeSpan.FromSeconds(1));

                plain.Add(p);
                sdk.Add(s);
                ratios.Add(p / s);
                Console.WriteLine($"run {run}: plain HttpClient copy {size / p / 1e6:F0} MB/s ({p:F2} s, {plainCpu[^1]:F2} CPU-s), HuggingFaceDownloader {size / s / 1e6:F0} MB/s ({s:F2} s, {sdkCpu[^1]:F2} CPU-s), ratio {p / s:F2}; SDK through the page cache {size / b / 1e6:F0} MB/s, ratio {p / b:F2}; plain copy + SHA-256 on a second thread {size / h / 1e6:F0} MB/s, ratio {p / h:F2}");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        var medianPlain = Median(plain);
        var medianSdk = Median(sdk);
        var ratio = medianPlain / medianSdk;
        // On this many cores the SDK's transfer cannot take less wall time than its CPU time spread over all of them.
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"median CPU time: plain {Median(plainCpu):F2} CPU-s, SDK {Median(sdkCpu):F2} CPU-s; on {cores} cores the SDK needs at least {Median(sdkCpu) / cores:F2} s, a ratio of at most {medianPlain / (Median(sdkCpu) / cores):F2}");
        Console.WriteLine($"median of {runs}, for comparison: SDK through the page cache (UseDirectIO = false) {size / Median(buffered) / 1e6:F0} MB/s, ratio to plain {medianPlain / Median(buffered):F2}; plain copy + SHA-256 on a second thread {size / Median(hashed) / 1e6:F0} MB/s, ratio {medianPlain / Median(hashed):F2}");
        Console.WriteLine($"median of the {runs} paired ratios {Median(ratios):F2} (quartiles {Quantile(ratios, 0.25):F2} to {Quantile(ratios, 0.75):F2})");
        Console.WriteLine($"median of {runs}: plain {size / medianPlain / 1e6:F0} MB/s, SDK {size / medianSdk / 1e6:F0} MB/s, ratio {ratio:F2} (goal >= 0.90) {(ratio >= 0.9 ? "MET" : "NOT MET")}");
        return 0;
    }

    private static async Task<double> PlainCopyAsync(Uri url, string target)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            await body.CopyToAsync(output, 1 << 20);
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The plain copy, with every chunk also handed to SHA-256 on a second thread; checks the digest.</summary>
    private static async Task<double> HashedCopyAsync(Uri url, string target, string sha256)
    {
        using var http = new HttpClient();
        var channel = System.Threading.Channels.Channel.CreateBounded<(byte[] Buffer, int Count)>(8);
        var clock = Stopwatch.StartNew();
        var hashing = Task.Run(async () =>
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            await foreach (var (buffer, count) in channel.Reader.ReadAllAsync())
            {
                hash.AppendData(buffer, 0, count);
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        });
        using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            while (true)
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
                int read = await body.ReadAsync(buffer.AsMemory(0, 1 << 20));
                if (read == 0)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                await output.WriteAsync(buffer.AsMemory(0, read));
                await channel.Writer.WriteAsync((buffer, read));
            }
        }

        channel.Writer.Complete();
        string digest = await hashing;
        double seconds = clock.Elapsed.TotalSeconds;
        if (digest != sha256)
        {
            throw new InvalidOperationException("The hashed copy's digest does not match.");
        }

        return seconds;
    }

    private static async Task<double> SdkDownloadAsync(FakeHub hub, string cache, bool directIO)
    {
        using var downloader = new HuggingFaceDownloader(new HubClientOptions { Endpoint = hub.Endpoint, CacheDirectory = cache, UseDirectIO = directIO });
        var clock = Stopwatch.StartNew();
        var snapshot = await downloader.DownloadAsync(new HubDownloadRequest { RepoId = "bench/model", Files = [new HubFile("model.onnx.data")] });
        var seconds = clock.Elapsed.TotalSeconds;
        using var handle = File.OpenHandle(snapshot.LocalPaths["model.onnx.data"]);
        if (snapshot.BytesDownloaded != RandomAccess.GetLength(handle))
        {
            throw new InvalidOperationException("The SDK download did not fetch the file.");
        }

        return seconds;
    }
}
