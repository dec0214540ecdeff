namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>Dropped, undisposed enumerators (<see cref="SlotAttacks"/>, run in one child process, where a hang is killed).</summary>
public sealed class SlotFaultTests(ChildRun<SlotAttacks> run) : IClassFixture<ChildRun<SlotAttacks>>
{
    [Fact]
    public void GetStreamingResponseAsync_EnumeratorDroppedWithOneSlot_LaterRequestsRun() => run.Result.AssertPassed(nameof(SlotAttacks.DroppedEnumeratorWithOneSlot));

    [Fact]
    public void GetStreamingResponseAsync_FourEnumeratorsDroppedWithDefaults_LaterRequestsRun() => run.Result.AssertPassed(nameof(SlotAttacks.FourDroppedEnumeratorsWithTheDefaults));

    [Fact]
    public void GetStreamingResponseAsync_EnumeratorDroppedWhileWaitingForASlot_LaterRequestsRun() => run.Result.AssertPassed(nameof(SlotAttacks.EnumeratorDroppedWhileWaitingForASlot));
}
