using System.Globalization;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>Reads total and available RAM: /proc/meminfo on Linux, the runtime's view elsewhere; container limits applied.</summary>
internal static class MemoryProbe
{
    public static SystemMemoryInfo Probe(List<string> notes)
    {
        // The GC sees container (cgroup) limits, which /proc/meminfo does not.
        var runtimeLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long? total = runtimeLimit > 0 ? runtimeLimit : null;
        long? available = null;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var (memTotal, memAvailable) = ParseMeminfo(File.ReadLines("/proc/meminfo"));
                total = Min(total, memTotal);
                available = Min(memAvailable, total);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                notes.Add("could not read /proc/meminfo: " + ex.Message);
            }
        }
        else
        {
            notes.Add("available RAM is not probed on this OS; total RAM is the runtime's view");
        }

        return new SystemMemoryInfo { TotalBytes = total, AvailableBytes = available };
    }

    /// <summary>Parses MemTotal and MemAvailable (kB) from /proc/meminfo lines.</summary>
    internal static (long? Total, long? Available) ParseMeminfo(IEnumerable<string> lines)
    {
        long? total = null, available = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kilobytes(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kilobytes(line);
            }
        }

        return (total, available);
    }

    private static long? Kilobytes(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
