using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public class HubPathTests
{
    [Theory]
    [InlineData("../evil.onnx")]
    [InlineData("cpu/../../evil.onnx")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/evil.dll")]
    [InlineData("C:evil")]
    [InlineData("cpu\\..\\evil")]
    [InlineData("cpu//model.onnx")]
    [InlineData("./model.onnx")]
    [InlineData("")]
    [InlineData("cpu/model.onnx\0")]
    public void TryNormalize_EscapingOrMalformedPath_IsRejected(string path)
    {
        Assert.False(HubPath.TryNormalize(path, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("cpu_and_mobile/cpu-int4-rtn-block-32/model.onnx.data")]
    [InlineData("folder/..hidden/file")]
    public void TryNormalize_RelativePath_IsAccepted(string path)
    {
        Assert.True(HubPath.TryNormalize(path, out var normalized, out _));
        Assert.Equal(path, normalized);
    }

    [Fact]
    public void Combine_EscapingPath_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => HubPath.Combine("/tmp/cache/snapshots/abc", "a/../../x"));
        Assert.Contains("a/../../x", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("org/../name")]
    [InlineData("org/name/extra")]
    [InlineData("org--x/name")]
    [InlineData("/org/name")]
    [InlineData("org name/x")]
    public void ValidateRepoId_MalformedId_ThrowsArgumentException(string repoId)
    {
        var ex = Assert.Throws<ArgumentException>(() => HubPath.ValidateRepoId(repoId));
        Assert.Contains(repoId, ex.Message, StringComparison.Ordinal);
    }
}
