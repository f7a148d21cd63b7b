using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>BOOLEAN vectors: one byte per row.</summary>
internal sealed unsafe class BooleanVectorReader : VectorReader
{
    private static readonly object True = true;
    private static readonly object False = false;

    public BooleanVectorReader()
        : base(DuckDbType.Boolean, "BOOLEAN", typeof(bool))
    {
    }

    public override object GetValue(ulong row) => Data[row] != 0 ? True : False;

    public override bool GetBoolean(ulong row) => Data[row] != 0;

    public override byte GetByte(ulong row) => Data[row] != 0 ? (byte)1 : (byte)0;

    public override int GetInt32(ulong row) => Data[row] != 0 ? 1 : 0;

    public override long GetInt64(ulong row) => Data[row] != 0 ? 1 : 0;
}
