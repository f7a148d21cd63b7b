namespace Nagare.Testing;

/// <summary>A request that went through <see cref="S3FaultProxy"/>.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Url">Path and query.</param>
/// <param name="BodyBytes">Bytes of the request's body.</param>
/// <param name="Status">The status answered.</param>
/// <param name="Started">When it arrived, on a clock shared by starts and ends.</param>
/// <param name="Ended">When it was answered, on the same clock.</param>
public sealed record ProxiedRequest(string Method, string Url, long BodyBytes, int Status, int Started, int Ended)
{
    /// <summary>The path without the query.</summary>
    public string Path => Url.Split('?')[0];
}
