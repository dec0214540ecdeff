using System.Diagnostics;
using System.Globalization;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>Measures what bounds the benchmarks on this machine: read bandwidth and resident memory.</summary>
internal static class MachineProbe
{
    /// <summary>
    /// Best-of-<paramref name="repeats"/> read bandwidth in bytes/s: every core sums its slice of a
    /// 1 GiB array of longs (far larger than any cache).
    /// </summary>
    public static double ReadBandwidth(int repeats = 5)
    {
        const int Length = 1 << 27; // 1 GiB of longs
        long[] data = GC.AllocateUninitializedArray<long>(Length);
        Parallel.For(0, Environment.ProcessorCount, p =>
        {
            int chunk = Length / Environment.ProcessorCount;
            Array.Fill(data, p, p * chunk, chunk);
        });

        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            long total = 0;
            Parallel.For(0, Environment.ProcessorCount, () => 0L, (p, _, sum) =>
            {
                int chunk = Length / Environment.ProcessorCount;
                var span = data.AsSpan(p * chunk, chunk);
                var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<long, System.Numerics.Vector<long>>(span);
                var acc = System.Numerics.Vector<long>.Zero;
                foreach (var v in vectors)
                {
                    acc += v;
                }

                return sum + System.Numerics.Vector.Sum(acc);
            }, s => Interlocked.Add(ref total, s));
            watch.Stop();
            GC.KeepAlive(total);
            best = Math.Max(best, Length * 8.0 / watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    /// <summary>Gets a <c>/proc/self/status</c> figure in bytes (<c>VmHWM</c> peak, <c>VmRSS</c> current); 0 where not available.</summary>
    public static long ProcStatusBytes(string field)
    {
        const string Path = "/proc/self/status";
        if (!File.Exists(Path))
        {
            return 0;
        }

        foreach (string line in File.ReadLines(Path))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                string kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>Resets <c>VmHWM</c> to the current RSS (Linux: write 5 to clear_refs); false where not allowed.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
