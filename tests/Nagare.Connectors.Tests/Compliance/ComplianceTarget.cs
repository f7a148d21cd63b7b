using System.Collections.Immutable;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Compliance;

/// <summary>
/// One isolated place of the connector under test, with native hooks so reading can be tested without the
/// connector's writer (and writing checked without trusting its reader, where a connector overrides
/// <see cref="ReadRowsAsync"/>).
/// </summary>
public abstract class ComplianceTarget : IAsyncDisposable
{
    /// <summary>The connection under test (an <see cref="ISource"/>, an <see cref="IDestination"/>, or both).</summary>
    public abstract IConnection Connection { get; }

    /// <summary>The schema (or folder) tables are created in; null for connectors without namespaces.</summary>
    public abstract string? Namespace { get; }

    /// <summary>Whether the connector keeps <paramref name="type"/> (so round-trip facts include it).</summary>
    public virtual bool SupportsType(ColumnType type) => true;

    /// <summary>The type the connector reports after <paramref name="written"/> was written or created natively.</summary>
    public virtual ColumnType ExpectedType(ColumnType written) => written;

    /// <summary>
    /// A column type and value the connector must refuse (e.g. too many digits for the declared decimal), or null
    /// when the connector has no such limit.
    /// </summary>
    public virtual (ColumnSchema Column, object Value)? UnholdableValue => (new ColumnSchema("amount", ColumnType.Decimal(5, 2)), 123456.78m);

    /// <summary>Creates a table natively (not through the connector's writer) and inserts <paramref name="rows"/> (canonical .NET values).</summary>
    public abstract Task CreateTableAsync(string name, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> primaryKey, IReadOnlyList<object?[]> rows);

    /// <summary>Every row of a table as canonical .NET values, ordered by the first column. Defaults to the connector's own reader.</summary>
    public virtual async Task<IReadOnlyList<object?[]>> ReadRowsAsync(string name)
    {
        var source = Connection as ISource ?? throw new CapabilitySkipException($"{Connection.Capabilities.Type} is not a source and its fixture reads no rows natively.");
        var destination = Connection as IDestination;
        StreamSchema? stream = null;
        if (destination is not null)
        {
            stream = await destination.DescribeAsync(new StreamId(Namespace, name), CancellationToken.None);
        }
        else
        {
            await foreach (var s in source.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
            {
                if (s.Id.Name == name && s.Id.Namespace == Namespace)
                {
                    stream = s;
                }
            }
        }

        Assert.NotNull(stream);
        var rows = new List<object?[]>();
        await foreach (var batch in source.ReadAsync(new ReadRequest(stream, []), CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        return [.. rows.OrderBy(r => r[0], ComplianceData.ValueComparer)];
    }

    public abstract ValueTask DisposeAsync();
}
