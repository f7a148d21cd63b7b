using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb;

public sealed partial class DuckDbCommand
{
    /// <summary>
    /// The statements of a command text, split by <c>duckdb_extract_statements</c> and prepared one by
    /// one when first needed: a later statement may use a table an earlier one creates, so it can only
    /// be prepared after that one ran.
    /// </summary>
    internal sealed class StatementBatch : IDisposable
    {
        private readonly DuckDbExtractedStatementsHandle _extracted;
        private readonly DuckDbPreparedStatementHandle?[] _prepared;
        private bool _disposed;

        private StatementBatch(DuckDbConnectionHandle connection, DuckDbExtractedStatementsHandle extracted, int count)
        {
            Connection = connection;
            _extracted = extracted;
            _prepared = new DuckDbPreparedStatementHandle?[count];
        }

        /// <summary>The native connection the statements belong to.</summary>
        public DuckDbConnectionHandle Connection { get; }

        public int Count => _prepared.Length;

        public static StatementBatch Extract(DuckDbConnectionHandle connection, string sql)
        {
            var count = NativeMethods.duckdb_extract_statements(connection.DangerousGetHandle(), sql, out var raw);
            var extracted = new DuckDbExtractedStatementsHandle(raw);
            if (count == 0)
            {
                var error = Marshal.PtrToStringUTF8(NativeMethods.duckdb_extract_statements_error(raw));
                if (error is not null)
                {
                    extracted.Dispose();
                    throw Errors.FromMessage(error);
                }
            }

            return new StatementBatch(connection, extracted, (int)count);
        }

        /// <summary>The prepared statement at <paramref name="index"/>, preparing it on first use.</summary>
        public IntPtr Prepare(int index)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_prepared[index] is { } existing)
            {
                return existing.DangerousGetHandle();
            }

            var state = NativeMethods.duckdb_prepare_extracted_statement(
                Connection.DangerousGetHandle(), _extracted.DangerousGetHandle(), (ulong)index, out var raw);
            var handle = new DuckDbPreparedStatementHandle(raw);
            if (state != DuckDbState.Success)
            {
                var message = Marshal.PtrToStringUTF8(NativeMethods.duckdb_prepare_error(raw)) ?? "DuckDB could not prepare the statement.";
                handle.Dispose();
                throw Errors.FromMessage(message);
            }

            _prepared[index] = handle;
            return raw;
        }

        /// <summary>Prepares every statement that can be prepared now; the rest wait for execution.</summary>
        public void PrepareAll()
        {
            for (var i = 0; i < _prepared.Length; i++)
            {
                try
                {
                    Prepare(i);
                }
                catch (DuckDbException) when (i > 0)
                {
                    return;
                }
            }
        }

        public void Dispose()
        {
            _disposed = true;
            foreach (var prepared in _prepared)
            {
                prepared?.Dispose();
            }

            _extracted.Dispose();
        }
    }

    /// <summary>Builds exceptions from DuckDB's messages, which start with their error category.</summary>
    internal static class Errors
    {
        private static readonly (string Prefix, int Type)[] Categories =
        [
            ("Out of Range Error", 1), ("Conversion Error", 2), ("Unknown Type Error", 3), ("Decimal Error", 4),
            ("Mismatch Type Error", 5), ("Divide by Zero Error", 6), ("Invalid type Error", 8), ("Serialization Error", 9),
            ("TransactionContext Error", 10), ("Transaction Error", 10), ("Not implemented Error", 11), ("Expression Error", 12),
            ("Catalog Error", 13), ("Parser Error", 14), ("Planner Error", 15), ("Scheduler Error", 16),
            ("Executor Error", 17), ("Constraint Error", 18), ("Index Error", 19), ("Connection Error", 21),
            ("Syntax Error", 22), ("Settings Error", 23), ("Binder Error", 24), ("Network Error", 25),
            ("Optimizer Error", 26), ("IO Error", 28), ("INTERRUPT Error", 29), ("FATAL Error", 30),
            ("INTERNAL Error", 31), ("Invalid Input Error", 32), ("Out of Memory Error", 33), ("Permission Error", 34),
            ("Parameter Not Resolved Error", 35), ("Parameter Not Allowed Error", 36), ("Dependency Error", 37),
            ("HTTP Error", 38), ("Missing Extension Error", 39), ("Extension Autoloading Error", 40), ("Sequence Error", 41),
        ];

        /// <summary>DuckDB's error category for an interrupted query.</summary>
        public const int Interrupt = 29;

        public static DuckDbException FromMessage(string message, int type = 0)
        {
            if (type == 0)
            {
                foreach (var (prefix, category) in Categories)
                {
                    if (message.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    {
                        type = category;
                        break;
                    }
                }
            }

            return new DuckDbException(message) { ErrorType = type };
        }
    }
}
