using System.Collections.Immutable;

namespace Nagare.Runtime.Connections;

/// <summary>One key a connection file of a connector type may set: what it means, what it takes, what it defaults to.</summary>
/// <param name="Name">The key, e.g. <c>host</c>.</param>
/// <param name="Kind">The kind of value it takes.</param>
/// <param name="Description">What it means, in one or two sentences.</param>
/// <param name="Required">True when a connection file must set it.</param>
/// <param name="Secret">True when its value is a secret (never printed; stored sealed when written through the API).</param>
/// <param name="Default">The value used when the key is absent, as it would be written in the file; null when there is none, or when absence means something no value says (detected, no limit: <paramref name="Description"/> says which).</param>
/// <param name="Choices">For <see cref="ConnectorOptionKind.Choice"/>: the values it takes; default (empty) otherwise.</param>
public sealed record ConnectorOption(
    string Name,
    ConnectorOptionKind Kind,
    string Description,
    bool Required = false,
    bool Secret = false,
    string? Default = null,
    ImmutableArray<string> Choices = default);
