namespace Nagare.Server.Api;

/// <summary>Marks the endpoint that answers 404 for every unknown route (it needs no access check: it shows nothing).</summary>
public sealed class FallbackMarker
{
    /// <summary>The one instance.</summary>
    public static FallbackMarker Instance { get; } = new();
}
