using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Server.Tests.Hosting;

/// <summary>
/// The test host (a minimal <c>phi3 serve</c> over <see cref="Server.Hosting.Phi3Server.RunAsync"/>) as a child process,
/// so that signals and exit codes are real. Every wait has a timeout; a process still running at dispose is killed.
/// </summary>
internal sealed partial class ServerProcess : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServerProcess(params string[] args)
        : this(new Dictionary<string, string>(), args)
    {
    }

    /// <summary>Starts the host with <paramref name="environment"/> added to this process's environment.</summary>
    public ServerProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string host = Path.Combine(AppContext.BaseDirectory.Replace("Phi3.OnnxSdk.Server.Tests", "Phi3.OnnxSdk.Server.TestHost", StringComparison.Ordinal), "Phi3.OnnxSdk.Server.TestHost.dll");
        Assert.True(File.Exists(host), $"The test host is missing at {host}: build tests/Phi3.OnnxSdk.Server.TestHost (the test project references it).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(host);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("PHI3_API_KEY");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => OnLine(_stdout, e.Data, listening: true);
        _process.ErrorDataReceived += (_, e) => OnLine(_stderr, e.Data, listening: false);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits for the printed <c>listening on URL</c> line and returns the URL.</summary>
    public async Task<Uri> WaitForUrlAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(s_timeout);
        if (first != _listening.Task)
        {
            Assert.Fail($"the server exited ({_process.ExitCode}) before listening. stdout: {Stdout} stderr: {Stderr}");
        }

        return await _listening.Task;
    }

    /// <summary>Sends SIGTERM, as a service manager or container runtime does.</summary>
    public void Terminate()
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "This test sends SIGTERM and needs Linux or macOS.");
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(s_timeout);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void OnLine(StringBuilder sink, string? line, bool listening)
    {
        if (line is null)
        {
            return;
        }

        lock (sink)
        {
            sink.AppendLine(line);
        }

        if (listening && ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"listening on (http://\S+/) ")]
    private static partial Regex ListeningLine();
}
