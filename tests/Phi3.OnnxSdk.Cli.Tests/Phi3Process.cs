using System.Diagnostics;
using System.Text;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// The real <c>phi3</c> program run as a child process (<c>dotnet phi3.dll</c> from the test output folder), with
/// stdin, stdout and stderr redirected. Every wait has a timeout, after which the process is killed and the test fails.
/// </summary>
internal sealed class Phi3Process : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private Phi3Process(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, bool terminal = false)
    {
        var start = new ProcessStartInfo(terminal ? ScriptProgram : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        string[] command = ["dotnet", Path.Combine(AppContext.BaseDirectory, "phi3.dll"), .. args];
        if (terminal)
        {
            // script(1) runs phi3 on a pseudo-terminal of 120x40 and copies what it draws, escape codes and all, to
            // stdout; what the test writes to stdin arrives as typed keys.
            foreach (string arg in (string[])["-qfec", $"stty cols 120 rows 40; exec {string.Join(' ', command.Select(Quote))}", "/dev/null"])
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            foreach (string arg in command[1..])
            {
                start.ArgumentList.Add(arg);
            }
        }

        // The resolver reads PHI3_*; the tests must not depend on the machine's settings, and must never download.
        start.Environment.Remove("PHI3_MODEL");
        start.Environment.Remove("PHI3_PROVIDER");
        start.Environment.Remove("PHI3_VARIANT");
        start.Environment.Remove("PHI3_API_KEY");
        start.Environment.Remove("PHI3_REMOTE_API_KEY");
        start.Environment["HF_HUB_OFFLINE"] = "1";
        if (terminal)
        {
            start.Environment.Remove("NO_COLOR");
            start.Environment["TERM"] = "xterm-256color";
        }
        else
        {
            start.Environment["NO_COLOR"] = "1";
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _stdoutPump = PumpAsync(_process.StandardOutput, _stdout);
        _stderrPump = PumpAsync(_process.StandardError, _stderr);
    }

    private const string ScriptProgram = "/usr/bin/script";

    public int Id => _process.Id;

    /// <summary>Gets stdout without terminal escape codes and carriage returns: the text a terminal showed, line by line.</summary>
    public string Screen => Terminal.Strip(Stdout);

    public bool HasExited => _process.HasExited;

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

    public static Phi3Process Start(params string[] args) => new(args);

    /// <summary>Starts phi3 on a pseudo-terminal (a person's view: colours, line editing, live progress); stdout is what the terminal shows.</summary>
    public static Phi3Process StartInTerminal(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        Assert.True(File.Exists(ScriptProgram), $"{ScriptProgram} (util-linux's script, which gives phi3 a pseudo-terminal) is missing: apt-get install bsdutils");
        return new(args, environment, terminal: true);
    }

    /// <summary>Starts phi3 with <paramref name="environment"/> laid over the test defaults (a null value removes a variable).</summary>
    public static Phi3Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args) => new(args, environment);

    /// <summary>Runs phi3 to the end with <paramref name="stdin"/> as its whole input.</summary>
    public static Task<Phi3Result> RunAsync(string stdin, params string[] args) =>
        RunAsync(new Dictionary<string, string?>(), stdin, args);

    /// <summary>Runs phi3 to the end with <paramref name="environment"/> laid over the test defaults and <paramref name="stdin"/> as its whole input.</summary>
    public static async Task<Phi3Result> RunAsync(IReadOnlyDictionary<string, string?> environment, string stdin, params string[] args)
    {
        using var process = Start(environment, args);
        await process.WriteAsync(stdin);
        process.CloseInput();
        return await process.WaitForExitAsync();
    }

    public async Task WriteAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits until <paramref name="condition"/> holds for (stdout, stderr), failing after <see cref="Timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<string, string, bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition(Stdout, Stderr))
        {
            if (stopwatch.Elapsed > Timeout || _process.HasExited)
            {
                Assert.Fail($"Gave up waiting for {what} (exited: {_process.HasExited}). stderr: {Stderr}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt() => Signal("INT");

    /// <summary>Sends SIGTERM, as a service manager or <c>docker stop</c> does.</summary>
    public void Terminate() => Signal("TERM");

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.WaitForExit(10_000), $"kill -{name} did not finish");
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<Phi3Result> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"phi3 did not exit within {Timeout}. stdout: {Stdout} stderr: {Stderr}");
        }

        return new Phi3Result(_process.ExitCode, Stdout, Stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static string Quote(string arg) => $"'{arg.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }
}
