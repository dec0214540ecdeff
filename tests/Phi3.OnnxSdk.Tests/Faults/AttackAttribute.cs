namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>Marks a static method of an attack class as one attack: <see cref="ChildRun{TAttacks}"/> runs every such method in one child process.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AttackAttribute : Attribute
{
    /// <summary>The default bound on one attack: a healthy attack takes seconds even on a loaded 2-core machine.</summary>
    public const int DefaultTimeoutSeconds = 90;

    /// <summary>Gets or sets the bound on this attack, in seconds: past it, the attack fails as a hang and the child goes on with the next one.</summary>
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;
}
