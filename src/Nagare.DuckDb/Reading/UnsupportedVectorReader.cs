using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>Types this provider does not decode (BIT, BIGNUM, VARIANT, GEOMETRY, ...): reads fail with a fix.</summary>
internal sealed class UnsupportedVectorReader : VectorReader
{
    public UnsupportedVectorReader(DuckDbType type, string typeName)
        : base(type, typeName, typeof(object))
    {
    }

    public override object GetValue(ulong row) =>
        throw new NotSupportedException(
            $"Column '{Name}' has DuckDB type {TypeName}, which this provider does not read; cast it in SQL, e.g. CAST({Name} AS VARCHAR).");
}
