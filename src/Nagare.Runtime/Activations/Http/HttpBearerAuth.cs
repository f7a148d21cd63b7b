using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations.Http;

/// <summary><c>Authorization: Bearer TOKEN</c>.</summary>
/// <param name="Token">The token.</param>
public sealed record HttpBearerAuth(Secret Token) : HttpAuth;
