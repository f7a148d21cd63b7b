using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// OAuth 2.0 client credentials: a token fetched from <paramref name="TokenUrl"/>, sent as a bearer token, reused
/// until it expires, and fetched again once when a request is answered 401.
/// </summary>
/// <param name="TokenUrl">The token endpoint.</param>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The client secret.</param>
/// <param name="Scope">The scope asked for, or null.</param>
public sealed record HttpOAuth2Auth(string TokenUrl, string ClientId, Secret ClientSecret, string? Scope) : HttpAuth;
