using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations.Http;

/// <summary><c>Authorization: Basic base64(user:password)</c>.</summary>
/// <param name="User">The user name.</param>
/// <param name="Password">The password.</param>
public sealed record HttpBasicAuth(string User, Secret Password) : HttpAuth;
