using System.Data;
using System.Data.Common;

namespace Nagare.DuckDb;

// Placeholder: commands and transactions are being written now.
public sealed partial class DuckDbConnection
{
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) =>
        throw new NotSupportedException("pending");

    protected override DbCommand CreateDbCommand() => throw new NotSupportedException("pending");
}
