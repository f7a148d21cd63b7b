using System.Text;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>A request that <see cref="HttpReceiver"/> received.</summary>
/// <param name="Method">The method, e.g. <c>POST</c>.</param>
/// <param name="Path">The request target as sent: path and query.</param>
/// <param name="Headers">Headers by name (any case); repeated headers joined by <c>", "</c>.</param>
/// <param name="Body">The body, de-chunked when it was sent chunked.</param>
public sealed record ReceivedHttpRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The header's value, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
