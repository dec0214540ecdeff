using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Tests.Provisioning;

/// <summary><see cref="Phi3ModelProvisioner.ModelIdOf"/> for folders that have no name: never empty, never a throw.</summary>
public sealed class Phi3ModelProvisionerModelIdTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/models/a\0b")]
    [InlineData("\0")]
    public void ModelIdOf_FolderWithoutAUsableName_FallsBackToTheFamily(string folder)
    {
        Assert.Equal("phi-3-mini-4k-instruct", Phi3ModelProvisioner.ModelIdOf(new Phi3Options { ModelPath = folder, Model = "phi-3-mini-4k-instruct" }));
        Assert.Equal(Phi3ModelProvisioner.ModelIdOf(new Phi3Options()), Phi3ModelProvisioner.ModelIdOf(new Phi3Options { ModelPath = folder }));
        Assert.NotEmpty(Phi3ModelProvisioner.ModelIdOf(new Phi3Options { ModelPath = folder }));
    }
}
