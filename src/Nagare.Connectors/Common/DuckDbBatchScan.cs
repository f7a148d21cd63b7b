using System.Collections.Concurrent;
using System.Collections.Immutable;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;
using Nagare.DuckDb.TableFunctions;

namespace Nagare.Connectors.Common;

/// <summary>
/// The table function side of a <see cref="BatchHandoff"/>: declares a stream's columns as a table function's result
/// and fills its chunks from the handoff. <see cref="Function"/> is one function per database that serves every open
/// feed, picked by the id it is called with, so nothing is registered per stream (DuckDB keeps a registered function,
/// and what it holds, as long as the database is open).
/// </summary>
internal static class DuckDbBatchScan
{
    /// <summary>The SQL name of <see cref="Function"/>.</summary>
    public const string FunctionName = "nagare_batch_feed";

    private static readonly ConcurrentDictionary<long, Feed> Feeds = new();
    private static long _lastId;

    /// <summary>The function <c>nagare_batch_feed(id)</c>, scanning the feed <see cref="Open"/> returned that id for.</summary>
    public static DuckDbTableFunction Function() => new DuckDbTableFunction<BatchHandoff, BatchHandoff>(
        FunctionName,
        bind: context =>
        {
            var id = context.GetParameter<long>(0);
            if (!Feeds.TryGetValue(id, out var feed))
            {
                throw new InvalidOperationException($"No batch feed {id} is open.");
            }

            Declare(context, feed.Columns);
            return feed.Handoff;
        },
        init: (handoff, _) => handoff,
        produce: (handoff, _, output) => handoff.Fill(output))
    {
        Parameters = [DuckDbColumnType.BigInt],

        // Fill copies every batch column in order, so DuckDB must ask for all of them.
        SupportsProjectionPushdown = false,
    };

    /// <summary>Makes <paramref name="handoff"/> scannable as <c>nagare_batch_feed(id)</c> until <see cref="Close"/>.</summary>
    public static long Open(ImmutableArray<ColumnSchema> columns, BatchHandoff handoff)
    {
        var id = Interlocked.Increment(ref _lastId);
        Feeds[id] = new Feed(columns, handoff);
        return id;
    }

    public static void Close(long id) => Feeds.TryRemove(id, out _);

    /// <summary>Declares <paramref name="columns"/> as the function's result, JSON as DuckDB's JSON alias of VARCHAR.</summary>
    public static void Declare(DuckDbTableFunctionBindContext context, ImmutableArray<ColumnSchema> columns)
    {
        foreach (var column in columns)
        {
            if (column.Type.Kind == ColumnKind.Json)
            {
                context.AddColumn(column.Name, DuckDbColumnType.Varchar, "JSON");
            }
            else
            {
                context.AddColumn(column.Name, ChunkType(column.Type));
            }
        }
    }

    /// <summary>The table function's type for a column: what <see cref="DuckDbTypeMapping.TypeName"/> declares, JSON as VARCHAR.</summary>
    public static DuckDbColumnType ChunkType(ColumnType type) => type.Kind switch
    {
        ColumnKind.Boolean => DuckDbColumnType.Boolean,
        ColumnKind.Int8 => DuckDbColumnType.TinyInt,
        ColumnKind.Int16 => DuckDbColumnType.SmallInt,
        ColumnKind.Int32 => DuckDbColumnType.Integer,
        ColumnKind.Int64 => DuckDbColumnType.BigInt,
        ColumnKind.UInt8 => DuckDbColumnType.UTinyInt,
        ColumnKind.UInt16 => DuckDbColumnType.USmallInt,
        ColumnKind.UInt32 => DuckDbColumnType.UInteger,
        ColumnKind.UInt64 => DuckDbColumnType.UBigInt,
        ColumnKind.Float32 => DuckDbColumnType.Float,
        ColumnKind.Float64 => DuckDbColumnType.Double,
        ColumnKind.Decimal => DuckDbColumnType.Decimal(type.Precision, type.Scale),
        ColumnKind.String or ColumnKind.Json => DuckDbColumnType.Varchar,
        ColumnKind.Bytes => DuckDbColumnType.Blob,
        ColumnKind.Date => DuckDbColumnType.Date,
        ColumnKind.Time => DuckDbColumnType.Time,
        ColumnKind.Timestamp => DuckDbColumnType.Timestamp,
        ColumnKind.TimestampTz => DuckDbColumnType.TimestampTz,
        ColumnKind.Interval => DuckDbColumnType.Interval,
        ColumnKind.Uuid => DuckDbColumnType.Uuid,
        ColumnKind.List => DuckDbColumnType.List(ChunkType(type.Element!)),
        ColumnKind.Struct => DuckDbColumnType.Struct(type.Fields.Select(f => KeyValuePair.Create(f.Name, ChunkType(f.Type)))),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column kind."),
    };

    private sealed record Feed(ImmutableArray<ColumnSchema> Columns, BatchHandoff Handoff);
}
