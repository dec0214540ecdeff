using Phi3.OnnxSdk.Remote;

namespace Phi3.OnnxSdk.Tests.Remote;

public sealed class EndpointTextTests
{
    [Theory]
    [InlineData("http://u:pw@host:8000/v1", "http://host:8000/v1")]
    [InlineData("https://host/v1?api-key=abc", "https://host/v1?api-key=***")]
    [InlineData("https://host/v1?API_KEY=abc&x=1", "https://host/v1?API_KEY=***&x=1")]
    [InlineData("https://host/v1?key=abc&access_token=t&sig=s&code=c&deployment=d", "https://host/v1?key=***&access_token=***&sig=***&code=***&deployment=d")]
    [InlineData("https://host/v1?api-version=2024-10-21", "https://host/v1?api-version=2024-10-21")]
    [InlineData("https://u:pw@host/v1?token=t#frag", "https://host/v1?token=***#frag")]
    [InlineData("http://host/v1", "http://host/v1")]
    public void Redact_CredentialsInUserInfoOrQuery_Removed(string endpoint, string expected) =>
        Assert.Equal(expected, EndpointText.Redact(new Uri(endpoint)));

    [Fact]
    public void Redact_Null_Empty() => Assert.Equal(string.Empty, EndpointText.Redact(null));
}
