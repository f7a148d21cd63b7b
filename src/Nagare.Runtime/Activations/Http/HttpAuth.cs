namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// How an HTTP destination authenticates its requests: <see cref="HttpBearerAuth"/>, <see cref="HttpBasicAuth"/>,
/// <see cref="HttpHmacAuth"/>, <see cref="HttpOAuth2Auth"/>. Every secret is a <see cref="Configuration.Secret"/>.
/// </summary>
public abstract record HttpAuth
{
    /// <summary>The <c>auth.type</c> names, as written.</summary>
    public static IReadOnlyList<string> Types { get; } = ["basic", "bearer", "hmac", "oauth2_client_credentials"];
}
