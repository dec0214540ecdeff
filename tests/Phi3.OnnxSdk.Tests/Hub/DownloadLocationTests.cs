using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class DownloadLocationTests
{
    private static readonly Uri Resolve = new("https://huggingface.co/org/model/resolve/abc/model.onnx");
    private static readonly Uri Old = new("https://cdn.example/blob?generation=0");
    private static readonly Uri Fresh = new("https://cdn.example/blob?generation=1");

    [Fact]
    public void Remember_RequestStartedBeforeAnotherConnectionRenewedTheAddress_KeepsTheFreshAddress()
    {
        var location = new DownloadLocation(Resolve);
        location.Remember(location.Current, Old);
        var startedFrom = location.Current; // a request sets out with the old address...

        location.Forget(Old); // ...another connection finds it expired and renews it
        location.Remember(location.Current, Fresh);
        location.Remember(startedFrom, Old); // the first request's answer comes in

        Assert.Same(Fresh, location.Current);
        Assert.Equal(1, location.Renewals);
    }

    [Fact]
    public void Remember_NothingChangedSinceTheRequestStarted_TakesTheRedirectTarget()
    {
        var location = new DownloadLocation(Resolve);

        location.Remember(location.Current, Old);

        Assert.Same(Old, location.Current);
    }
}
