using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>
/// Probes the real machine: NVIDIA GPUs through NVML or the CUDA driver library, DirectX 12 adapters through DXGI
/// (Windows), CPU architecture and SIMD support, RAM, and the onnxruntime-genai providers that can load. Needs no
/// GPU library at build time.
/// </summary>
/// <remarks>
/// Every probe runs on a worker thread with a time limit; a probe that fails, is absent or overruns is logged,
/// reported absent and described in <see cref="HardwareInfo.Notes"/>. Thread-safe: concurrent calls probe independently.
/// </remarks>
public sealed class SystemHardwareProbe : IHardwareProbe
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly TimeSpan _timeout;
    private readonly IReadOnlyList<string>? _directories;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="SystemHardwareProbe"/> class.</summary>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Receives a warning per failed or overrunning probe; <see langword="null"/> logs nothing.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="HardwareProbeOptions.ProbeTimeout"/> is not positive.</exception>
    public SystemHardwareProbe(HardwareProbeOptions? options = null, ILogger<SystemHardwareProbe>? logger = null)
    {
        _timeout = options?.ProbeTimeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_timeout, TimeSpan.Zero, nameof(options));
        _directories = options?.NativeLibraryDirectories is { } directories ? [.. directories] : null;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public async ValueTask<HardwareInfo> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var fallbackCpu = new CpuInfo { Architecture = RuntimeInformation.ProcessArchitecture, LogicalCores = Environment.ProcessorCount };
        var cpu = RunAsync("CPU", CpuProbe.Probe, fallbackCpu, cancellationToken);
        var memory = RunAsync("memory", MemoryProbe.Probe, new SystemMemoryInfo(), cancellationToken);
        var nvidia = RunAsync("NVIDIA", notes => NvmlProbe.TryProbe(notes) ?? CudaDriverProbe.TryProbe(notes) ?? [], new List<GpuInfo>(), cancellationToken);
        var dxgi = OperatingSystem.IsWindows()
            ? RunAsync("DXGI", DxgiProbe.Probe, new List<GpuInfo>(), cancellationToken)
            : Task.FromResult(Result(new List<GpuInfo>()));
        var directories = _directories;
        var providers = RunAsync(
            "execution provider",
            notes => directories is null
                ? ExecutionProviderProbe.Probe(ExecutionProviderProbe.DefaultDirectories(), includeSearchPath: true, notes)
                : ExecutionProviderProbe.Probe(directories, includeSearchPath: false, notes),
            ExecutionProviderAvailability.CpuOnly,
            cancellationToken);

        await Task.WhenAll(cpu, memory, nvidia, dxgi, providers).ConfigureAwait(false);

        var notes = new List<string>();
        foreach (var task in new[] { cpu.Result.Notes, memory.Result.Notes, nvidia.Result.Notes, dxgi.Result.Notes, providers.Result.Notes })
        {
            notes.AddRange(task);
        }

        return new HardwareInfo
        {
            OperatingSystem = OperatingSystem.IsWindows() ? OperatingSystemKind.Windows
                : OperatingSystem.IsLinux() ? OperatingSystemKind.Linux
                : OperatingSystem.IsMacOS() ? OperatingSystemKind.MacOS
                : OperatingSystemKind.Other,
            Cpu = cpu.Result.Value,
            Memory = memory.Result.Value,
            Gpus = MergeGpus(nvidia.Result.Value, dxgi.Result.Value),
            Providers = providers.Result.Value,
            Notes = notes,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>Joins an NVIDIA GPU that both NVML and DXGI report into one entry carrying both probes' facts.</summary>
    internal static List<GpuInfo> MergeGpus(IReadOnlyList<GpuInfo> nvidia, IReadOnlyList<GpuInfo> dxgi)
    {
        var merged = new List<GpuInfo>(nvidia);
        foreach (var adapter in dxgi)
        {
            var index = merged.FindIndex(g => g.Vendor == GpuVendor.Nvidia && adapter.Vendor == GpuVendor.Nvidia
                && g.Source is "nvml" or "cuda-driver" && g.Name.Equals(adapter.Name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                merged.Add(adapter);
                continue;
            }

            merged[index] = merged[index] with
            {
                SupportsDirectX12 = adapter.SupportsDirectX12,
                SharedMemoryBytes = adapter.SharedMemoryBytes,
                Source = merged[index].Source + "+dxgi",
            };
        }

        return merged;
    }

    private static ProbeResult<T> Result<T>(T value, List<string>? notes = null) => new(value, notes ?? []);

    /// <summary>Runs one probe on a worker thread; a failure or overrun yields <paramref name="fallback"/> and a note.</summary>
    internal static async Task<ProbeResult<T>> RunBoundedAsync<T>(
        string name, Func<List<string>, T> probe, T fallback, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        // Each run gets its own notes list, so a probe that finishes after its timeout cannot touch the result.
        var work = Task.Run(
            () =>
            {
                var notes = new List<string>();
                return Result(probe(notes), notes);
            },
            CancellationToken.None);
        try
        {
            return await work.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var ms = timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            logger.LogWarning("The {Probe} probe did not finish within {Milliseconds} ms; reporting it absent.", name, ms);
            return Result(fallback, [$"{name} probe timed out after {ms} ms; reported absent"]);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A probe must never throw to the caller: any failure is reported as an absent device.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogWarning(ex, "The {Probe} probe failed; reporting it absent.", name);
            return Result(fallback, [$"{name} probe failed ({ex.GetType().Name}: {ex.Message}); reported absent"]);
        }
    }

    /// <summary>A probe's value and notes.</summary>
    internal sealed record ProbeResult<T>(T Value, List<string> Notes);

    private Task<ProbeResult<T>> RunAsync<T>(string name, Func<List<string>, T> probe, T fallback, CancellationToken cancellationToken) =>
        RunBoundedAsync(name, probe, fallback, _timeout, _logger, cancellationToken);
}
