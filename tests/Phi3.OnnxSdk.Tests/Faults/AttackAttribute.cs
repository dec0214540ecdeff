namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>Marks a static method of an attack class as one attack: <see cref="ChildRun{TAttacks}"/> runs every such method in one child process.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AttackAttribute : Attribute
{
}
