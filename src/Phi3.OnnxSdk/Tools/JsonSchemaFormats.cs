using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Tools;

/// <summary>The JSON Schema <c>format</c> checks of <see cref="JsonSchemaValidator"/> (draft 2020-12 names, plus OpenAPI's <c>byte</c>).</summary>
internal static class JsonSchemaFormats
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(1);
    private static readonly Regex s_dateTime = new(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_time = new(@"^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_duration = new(@"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_email = new(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_hostname = new(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_ipv4 = new(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_jsonPointer = new(@"^(/([^~/]|~[01])*)*$", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_scheme = new(@"^([A-Za-z][A-Za-z0-9+.\-]*):", RegexOptions.CultureInvariant, s_timeout);
    private static readonly Regex s_relativeJsonPointer = new(@"^(0|[1-9]\d*)(#|(/([^~/]|~[01])*)*)$", RegexOptions.CultureInvariant, s_timeout);

    /// <summary>Checks <paramref name="value"/> against <paramref name="format"/>.</summary>
    /// <returns><see langword="true"/> or <see langword="false"/>; <see langword="null"/> for a format this class does not know (an annotation only).</returns>
    public static bool? IsValid(string format, string value) => format switch
    {
        "date-time" => s_dateTime.IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "time" => s_time.IsMatch(value) && TimeOnly.TryParse(value.AsSpan(0, 8), CultureInfo.InvariantCulture, out _),
        "duration" => s_duration.IsMatch(value),
        "email" or "idn-email" => s_email.IsMatch(value),
        "hostname" => s_hostname.IsMatch(value),
        "idn-hostname" => Uri.CheckHostName(value) == UriHostNameType.Dns,
        "ipv4" => s_ipv4.IsMatch(value),
        "ipv6" => value.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6,
        "uuid" => Guid.TryParseExact(value, "D", out _),
        "uri" or "iri" => IsAbsoluteUri(value),
        "uri-reference" or "iri-reference" => !HasWhitespace(value) && Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _),
        "regex" => IsRegex(value),
        "json-pointer" => s_jsonPointer.IsMatch(value),
        "relative-json-pointer" => s_relativeJsonPointer.IsMatch(value),
        "byte" => IsBase64(value),
        _ => null,
    };

    /// <summary>Whether <paramref name="value"/> is padded standard base64 (<c>contentEncoding: base64</c>).</summary>
    public static bool IsBase64(string value)
    {
        Span<byte> buffer = value.Length <= 1024 ? stackalloc byte[value.Length] : new byte[value.Length];
        return value.Length % 4 == 0 && Convert.TryFromBase64String(value, buffer, out _);
    }

    private static bool HasWhitespace(string value) => value.Any(char.IsWhiteSpace);

    /// <summary>
    /// An absolute URI as RFC 3986 defines it: the text itself starts with a scheme. <see cref="Uri"/> alone also takes
    /// a file path (<c>/etc/passwd</c> on Unix, <c>C:\x</c>, <c>\\server\share</c>) as an implicit <c>file:</c> URI, which
    /// is a relative reference, not a URI.
    /// </summary>
    private static bool IsAbsoluteUri(string value)
    {
        var scheme = s_scheme.Match(value);
        return scheme.Success && !HasWhitespace(value)
            && Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, scheme.Groups[1].Value, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsRegex(string value)
    {
        try
        {
            _ = new Regex(value, RegexOptions.None, s_timeout);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
