using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>One data row of a <see cref="CsvSheet"/>: the line it starts on and its raw fields.</summary>
internal sealed record CsvRow(int Line, ImmutableArray<string> Fields);
