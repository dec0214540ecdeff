using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Runs attacks in a child process: this test assembly, started through <c>dotnet exec</c> with its own entry point
/// (<see cref="ChildEntryPoint"/>), so that a native crash or a hang fails the test instead of killing or blocking the
/// test host. The child is killed after the time limit.
/// </summary>
public static class ChildProcess
{
    /// <summary>Runs the static methods <paramref name="methods"/> of <paramref name="attacks"/> one after another in one child.</summary>
    public static async Task<ChildResult> RunAsync(Type attacks, IReadOnlyList<string> methods, TimeSpan timeout)
    {
        string assembly = typeof(ChildProcess).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (string arg in new[] { "exec", assembly, ChildEntryPoint.ChildSwitch, attacks.FullName! }.Concat(methods))
        {
            start.ArgumentList.Add(arg);
        }

        // A crash should end the child at once, not write a dump first.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        int? exitCode;
        try
        {
            await process.WaitForExitAsync(limit.Token);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            exitCode = null;
        }

        return new ChildResult(exitCode, await stdout, await stderr, timeout);
    }

    /// <summary>Runs every <see cref="AttackAttribute"/> method of <paramref name="attacks"/> in one child.</summary>
    public static Task<ChildResult> RunAllAsync(Type attacks, TimeSpan timeout) =>
        RunAsync(attacks, [.. attacks.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.IsDefined(typeof(AttackAttribute))).Select(m => m.Name)], timeout);
}
