using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations.Http;

/// <summary>A header sent with every request.</summary>
/// <param name="Name">The header's name.</param>
/// <param name="Text">The value as written, or null when it is a secret.</param>
/// <param name="Secret">The value when written with a <c>${…}</c> reference (redacted wherever requests are kept or shown).</param>
public sealed record HttpHeader(string Name, string? Text, Secret? Secret)
{
    /// <summary>The value sent.</summary>
    public string Reveal() => Secret?.Reveal() ?? Text ?? string.Empty;
}
