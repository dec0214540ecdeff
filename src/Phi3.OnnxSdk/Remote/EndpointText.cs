namespace Phi3.OnnxSdk.Remote;

/// <summary>How an endpoint address appears in messages and logs: without the user name, password or key it may carry.</summary>
internal static class EndpointText
{
    /// <summary>The query parameters whose values are secrets (compared without case): the parameter's name, or its last word after <c>-</c> or <c>_</c>.</summary>
    private static readonly string[] s_secretNames = ["key", "apikey", "token", "sig", "signature", "code", "secret", "password", "pwd"];

    /// <summary>
    /// Returns <paramref name="endpoint"/> without its user information (<c>http://user:password@host/</c> becomes
    /// <c>http://host/</c>) and with the values of query parameters that look like keys replaced by <c>***</c>
    /// (<c>?api-key=abc&amp;x=1</c> becomes <c>?api-key=***&amp;x=1</c>: <c>key</c>, <c>api-key</c>, <c>api_key</c>,
    /// <c>access_token</c>, <c>sig</c>, <c>code</c>, ...).
    /// </summary>
    /// <param name="endpoint">The address, or <see langword="null"/> (an empty string).</param>
    /// <returns>The address safe to print. Thread-safe; never throws.</returns>
    public static string Redact(Uri? endpoint)
    {
        if (endpoint is null)
        {
            return string.Empty;
        }

        if (!endpoint.IsAbsoluteUri)
        {
            return endpoint.ToString();
        }

        string text = endpoint.UserInfo.Length > 0
            ? endpoint.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped)
            : endpoint.AbsoluteUri;
        int query = text.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return text;
        }

        int fragment = text.IndexOf('#', query);
        string tail = fragment < 0 ? string.Empty : text[fragment..];
        string[] pairs = (fragment < 0 ? text[(query + 1)..] : text[(query + 1)..fragment]).Split('&');
        for (int i = 0; i < pairs.Length; i++)
        {
            int equals = pairs[i].IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && IsSecretName(Uri.UnescapeDataString(pairs[i][..equals])))
            {
                pairs[i] = pairs[i][..(equals + 1)] + "***";
            }
        }

        return text[..(query + 1)] + string.Join('&', pairs) + tail;
    }

    private static bool IsSecretName(string name)
    {
        string compact = name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        int split = name.LastIndexOfAny(['-', '_']);
        string last = split < 0 ? name : name[(split + 1)..];
        return s_secretNames.Any(s => s.Equals(compact, StringComparison.OrdinalIgnoreCase) || s.Equals(last, StringComparison.OrdinalIgnoreCase));
    }
}
