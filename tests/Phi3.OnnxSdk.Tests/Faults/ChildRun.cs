namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// A class fixture that runs all attacks of <typeparamref name="TAttacks"/> in one child process before the class's
/// tests, which then read their attack's status from <see cref="Result"/>. Attacks share the child to keep the suite
/// fast; a crash fails the attack that was running and every one after it.
/// </summary>
public sealed class ChildRun<TAttacks> : IAsyncLifetime
{
    /// <summary>The bound on the whole child: generous for a loaded 2-core machine; a healthy run takes seconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    public ChildResult Result { get; private set; } = null!;

    public async Task InitializeAsync() => Result = await ChildProcess.RunAllAsync(typeof(TAttacks), Timeout);

    public Task DisposeAsync() => Task.CompletedTask;
}
