namespace Nagare.Core.Types;

/// <summary>
/// The canonical types every connector maps to and from. The .NET value carried in a
/// <see cref="Batches.ColumnVector{T}"/> for each kind is given in brackets.
/// </summary>
public enum ColumnKind
{
    /// <summary>[bool]</summary>
    Boolean,

    /// <summary>[sbyte]</summary>
    Int8,

    /// <summary>[short]</summary>
    Int16,

    /// <summary>[int]</summary>
    Int32,

    /// <summary>[long]</summary>
    Int64,

    /// <summary>[byte]</summary>
    UInt8,

    /// <summary>[ushort]</summary>
    UInt16,

    /// <summary>[uint]</summary>
    UInt32,

    /// <summary>[ulong]</summary>
    UInt64,

    /// <summary>[float]</summary>
    Float32,

    /// <summary>[double]</summary>
    Float64,

    /// <summary>
    /// Exact decimal with <see cref="ColumnType.Precision"/> and <see cref="ColumnType.Scale"/>, up to 38 digits
    /// [Int128: the value times 10^scale, as DuckDB stores it; see <see cref="UnscaledDecimal"/>]. Boxed, and inside
    /// lists and structs, a <see cref="DecimalValue"/>.
    /// </summary>
    Decimal,

    /// <summary>Text [string].</summary>
    String,

    /// <summary>Binary [byte[]].</summary>
    Bytes,

    /// <summary>Calendar date [DateOnly].</summary>
    Date,

    /// <summary>Time of day, microseconds [TimeOnly].</summary>
    Time,

    /// <summary>Timestamp without time zone, microseconds [DateTime, Kind Unspecified].</summary>
    Timestamp,

    /// <summary>Instant with time zone, microseconds [DateTimeOffset, offset zero].</summary>
    TimestampTz,

    /// <summary>Months, days and microseconds [<see cref="Interval"/>].</summary>
    Interval,

    /// <summary>[Guid]</summary>
    Uuid,

    /// <summary>JSON document kept as text [string].</summary>
    Json,

    /// <summary>List of <see cref="ColumnType.Element"/> [object?[]].</summary>
    List,

    /// <summary>Named fields <see cref="ColumnType.Fields"/> [IReadOnlyDictionary&lt;string, object?&gt;].</summary>
    Struct,
}
