namespace Nagare.Connectors.Files;

/// <summary>Values (a null <c>Sync</c> matches any sync in <see cref="FileNameTemplate.SetPattern"/>) of a <see cref="FileNameTemplate"/>'s placeholders for one writer.</summary>
internal sealed record FileNameValues(string Stream, string? Namespace, string? Sync, DateTimeOffset Date, string Extension);
