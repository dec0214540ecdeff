using System.Diagnostics;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Builds a synthetic model once per machine into <see cref="SyntheticModelBuilder.DefaultCacheFolder"/>
/// and hands out its folder. Safe across threads and processes: a lock file serializes builders,
/// and a folder becomes visible only when complete.
/// </summary>
public static class TestModelCache
{
    private const string CompleteMarker = ".complete";
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromMinutes(20);
    private static readonly object s_gate = new();

    /// <summary>Gets the folder of a built model of the given preset and seed, building it if needed.</summary>
    /// <param name="preset">A name from <see cref="SyntheticModelPresets.Names"/>.</param>
    /// <param name="seed">The weight seed.</param>
    /// <returns>The model folder.</returns>
    /// <exception cref="ArgumentException">The preset is unknown.</exception>
    /// <exception cref="TimeoutException">Another process held the build lock too long.</exception>
    public static string GetOrBuild(string preset = "tiny", long seed = 1)
    {
        var options = SyntheticModelPresets.Get(preset) with { Seed = seed };
        string version = typeof(TestModelCache).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
        string folder = Path.Combine(SyntheticModelBuilder.DefaultCacheFolder, "models", $"{options.Preset}-seed{seed}-{version}");
        if (File.Exists(Path.Combine(folder, CompleteMarker)))
        {
            return folder;
        }

        lock (s_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            using var fileLock = AcquireLock(folder + ".lock");
            if (File.Exists(Path.Combine(folder, CompleteMarker)))
            {
                return folder;
            }

            string staging = $"{folder}.building-{Environment.ProcessId}";
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            SyntheticModelBuilder.BuildAsync(staging, options).GetAwaiter().GetResult();
            File.WriteAllText(Path.Combine(staging, CompleteMarker), string.Empty);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.Move(staging, folder);
            return folder;
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (stopwatch.Elapsed < s_lockTimeout)
            {
                Thread.Sleep(200);
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"Timed out after {s_lockTimeout} waiting for the build lock '{path}'.", ex);
            }
        }
    }
}
