namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>Handed-out native objects and disposal races (<see cref="LifetimeAttacks"/>, run in one child process).</summary>
public sealed class LifetimeFaultTests(ChildRun<LifetimeAttacks> run) : IClassFixture<ChildRun<LifetimeAttacks>>
{
    [Fact]
    public void GetServiceModel_AfterClientDispose_StaysUsable() => run.Result.AssertPassed(nameof(LifetimeAttacks.HandedOutModelOutlivesTheClient));

    [Fact]
    public void Model_HandedOut_ReportsItsMemoryToTheGcUntilCollected() => run.Result.AssertPassed(nameof(LifetimeAttacks.HandedOutModelReportsItsMemoryUntilCollected));

    [Fact]
    public void Tokenizer_AfterModelDispose_StaysUsable() => run.Result.AssertPassed(nameof(LifetimeAttacks.HandedOutTokenizerOutlivesTheModel));

    [Fact]
    public void GetService_NativeObjectsDisposedByCaller_ClientStillAnswers() => run.Result.AssertPassed(nameof(LifetimeAttacks.HandedOutObjectsDisposedByTheCaller));

    [Fact]
    public void GetService_AfterDispose_ThrowsObjectDisposed() => run.Result.AssertPassed(nameof(LifetimeAttacks.NativeObjectsAfterDispose_ThrowObjectDisposed));

    [Fact]
    public void Dispose_SharedModelWhileBatchedRequestsRun_EachEndsCleanly() => run.Result.AssertPassed(nameof(LifetimeAttacks.SharedModelDisposedWhileBatchedRequestsRun));

    [Fact]
    public void GeneratorBatchScheduler_ModelDisposed_FailsWithObjectDisposed() => run.Result.AssertPassed(nameof(LifetimeAttacks.BatchSchedulerOverADisposedModel));

    [Fact]
    public void BatchingScheduler_ModelDisposedAfterCreate_StillGenerates() => run.Result.AssertPassed(nameof(LifetimeAttacks.EngineSchedulerOutlivesItsModel));

    [Fact]
    public void GuardedGeneratorParams_FreedModel_ThrowsObjectDisposedWithoutNativeCall() => run.Result.AssertPassed(nameof(LifetimeAttacks.GeneratorParamsOverAFreedModel));

    [Fact]
    public void Dispose_RacingManyRequests_EveryRequestEndsCleanly() => run.Result.AssertPassed(nameof(LifetimeAttacks.DisposeRacingManyRequests));
}
