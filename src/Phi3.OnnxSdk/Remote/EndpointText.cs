namespace Phi3.OnnxSdk.Remote;

/// <summary>How an endpoint address appears in messages and logs: without the user name and password it may carry.</summary>
internal static class EndpointText
{
    /// <summary>Returns <paramref name="endpoint"/> without its user information (<c>http://user:password@host/</c> becomes <c>http://host/</c>).</summary>
    /// <param name="endpoint">The address, or <see langword="null"/> (an empty string).</param>
    /// <returns>The address safe to print.</returns>
    public static string Redact(Uri? endpoint)
    {
        if (endpoint is null)
        {
            return string.Empty;
        }

        return endpoint.IsAbsoluteUri && endpoint.UserInfo.Length > 0
            ? endpoint.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped)
            : endpoint.ToString();
    }
}
