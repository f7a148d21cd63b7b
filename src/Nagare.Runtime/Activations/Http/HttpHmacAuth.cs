using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// A signature of each request's body in a header: lowercase hex HMAC of the body, or, with
/// <paramref name="TimestampHeader"/>, of <c>TIMESTAMP.BODY</c> (Unix seconds, also sent in that header).
/// </summary>
/// <param name="Key">The shared secret.</param>
/// <param name="Header">The header carrying the signature.</param>
/// <param name="Algorithm"><c>sha256</c> or <c>sha512</c>.</param>
/// <param name="TimestampHeader">The header carrying the signed timestamp, or null to sign the body alone.</param>
/// <param name="Prefix">Text before the hex digest in the header (e.g. <c>sha256=</c>); empty by default.</param>
public sealed record HttpHmacAuth(Secret Key, string Header, string Algorithm, string? TimestampHeader, string Prefix) : HttpAuth;
