using System.Reflection;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// The test assembly's entry point, used only when the fault suite runs it as a child process
/// (<c>dotnet exec Phi3.OnnxSdk.Tests.dll --child TYPE METHOD...</c>; the test host never calls it). It runs each named
/// static method of TYPE in turn (its time goes to stderr) and, after each, forces a full garbage collection with finalizers, so that a native
/// object left in a bad state by a failure crashes here, within the attack, rather than at a random later moment. It
/// prints one status line per attack on stdout (<c>PASS name</c> or <c>FAIL name</c>, details on stderr) and exits 0
/// when all passed, 1 when one failed; a native crash ends the process with its signal.
/// </summary>
internal static class ChildEntryPoint
{
    public const string ChildSwitch = "--child";

    public static int Main(string[] args)
    {
        if (args is not [ChildSwitch, string typeName, .. var methods])
        {
            Console.Error.WriteLine($"This is a test assembly; the fault suite runs it as '{ChildSwitch} TYPE METHOD...'.");
            return 2;
        }

        var type = typeof(ChildEntryPoint).Assembly.GetType(typeName, throwOnError: true)!;
        int failures = 0;
        foreach (string name in methods)
        {
            Console.Out.WriteLine($"{ChildResult.RunPrefix}{name}");
            Console.Out.Flush();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Exception? failure = Run(type, name);
            Console.Error.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:F2} s");

            // After the attack, failed or not: a finalizer that would crash on what it left behind runs now.
            ForceCollection();
            if (failure is null)
            {
                Console.Out.WriteLine($"{ChildResult.PassPrefix}{name}");
            }
            else
            {
                failures++;
                Console.Error.WriteLine($"{name}: {failure}");
                Console.Out.WriteLine($"{ChildResult.FailPrefix}{name}");
            }

            Console.Out.Flush();
            Console.Error.Flush();
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs one attack within its <see cref="AttackAttribute.TimeoutSeconds"/>; a hang fails it (its thread is left
    /// behind) and the child goes on with the next attack.
    /// </summary>
    private static Exception? Run(Type type, string name)
    {
        var method = type.GetMethod(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
        if (method is null)
        {
            return new MissingMethodException(type.FullName, name);
        }

        var timeout = TimeSpan.FromSeconds(method.GetCustomAttribute<AttackAttribute>()?.TimeoutSeconds ?? AttackAttribute.DefaultTimeoutSeconds);
        var attack = Task.Run(() => method.Invoke(null, null) as Task ?? Task.CompletedTask);
        try
        {
            return attack.Wait(timeout) ? null : new TimeoutException($"The attack did not finish within {timeout.TotalSeconds:F0} s: a hang.");
        }
        catch (AggregateException ex)
        {
            var inner = ex.InnerException ?? ex;
            return inner is TargetInvocationException { InnerException: { } cause } ? cause : inner;
        }
    }

    /// <summary>Collects everything unreachable and runs its finalizers, twice (finalizers can free more).</summary>
    public static void ForceCollection()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        GC.Collect();
    }
}
