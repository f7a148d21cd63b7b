using Nagare.Core.Schema;

namespace Nagare.Core.Connectors;

/// <summary>A source that can split a big table into key ranges copied in parallel.</summary>
public interface IKeyRangeSource : ISource
{
    /// <summary>
    /// Splits <paramref name="stream"/> on <paramref name="keyColumn"/> into about <paramref name="chunks"/> ranges covering
    /// every row (first range open below, last open above). Returns one open range when the table is small or empty.
    /// </summary>
    Task<IReadOnlyList<KeyRange>> SplitAsync(StreamSchema stream, string keyColumn, int chunks, CancellationToken cancellationToken);
}
