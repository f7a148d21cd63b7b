using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

public sealed partial class PostgresConnection
{
    /// <summary>
    /// Streams every table, partitioned table, view, materialized view and foreign table of the chosen schemas
    /// from ONE catalog query, whatever their number. The name pattern is pushed down as LIKE when it only uses
    /// <c>*</c> and <c>?</c>.
    /// </summary>
    public async IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var schemas = request.Namespaces ?? (Options.Schemas.IsDefaultOrEmpty ? null : Options.Schemas);
        var conditions = new StringBuilder();
        conditions.Append(schemas is null ? PostgresDialect.UserSchemasCondition : PostgresDialect.SchemaListCondition);
        var like = request.NamePattern is null ? null : GlobToLike(request.NamePattern);
        if (like is not null)
        {
            conditions.Append(' ').Append(PostgresDialect.NamePatternCondition);
        }

        var parameters = new List<NpgsqlParameter>();
        if (schemas is not null)
        {
            parameters.Add(new NpgsqlParameter("schemas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = schemas.ToArray() });
        }

        if (like is not null)
        {
            parameters.Add(new NpgsqlParameter("pattern", NpgsqlDbType.Text) { Value = like });
        }

        await using var session = await OpenSessionAsync("discovery", cancellationToken).ConfigureAwait(false);
        if (request.Namespaces is null && schemas is not null)
        {
            // A schema the connection lists but the database lacks would otherwise just have no tables.
            await CheckSchemasExistAsync(session.Connection, schemas, cancellationToken).ConfigureAwait(false);
        }

        await foreach (var stream in QueryCatalogAsync(session.Connection, null, conditions.ToString(), parameters, "discovery", cancellationToken).ConfigureAwait(false))
        {
            yield return stream;
        }
    }

    /// <summary>Fails naming the schemas of <paramref name="schemas"/> (the connection's <c>schemas:</c>) the database does not have.</summary>
    private async Task CheckSchemasExistAsync(NpgsqlConnection connection, IReadOnlyList<string> schemas, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var present = new List<string>();
        try
        {
            await using var command = Command(connection, PostgresDialect.SchemasQuery);
            command.Parameters.Add(new NpgsqlParameter("schemas", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = schemas.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                (reader.GetBoolean(1) ? present : missing).Add(reader.GetString(0));
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, "discovery", null);
        }

        if (missing.Count > 0)
        {
            throw ListedNamespaces.Missing(Name, "schema", missing, present, $"in database '{Options.Database}' on {Options.Host}:{Options.Port}", mayBeHidden: false, "discover every schema");
        }
    }

    /// <summary>Runs the catalog query with extra <paramref name="conditions"/> and groups its rows into streams.</summary>
    internal async IAsyncEnumerable<StreamSchema> QueryCatalogAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string conditions,
        IReadOnlyList<NpgsqlParameter> parameters,
        string action,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Command(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, PostgresDialect.DiscoverQueryTemplate, conditions), transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        NpgsqlDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, action, null);
        }

        await using (reader.ConfigureAwait(false))
        {
            var table = new TableBuilder(Options.UnconstrainedNumeric);
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    throw Translate(e, action, null);
                }

                if (!more)
                {
                    break;
                }

                var schema = reader.GetString(0);
                var name = reader.GetString(1);
                if (!table.Is(schema, name))
                {
                    if (table.HasRows)
                    {
                        yield return table.Build();
                    }

                    table.Start(schema, name, reader.GetDouble(2));
                }

                table.AddColumn(reader);
            }

            if (table.HasRows)
            {
                yield return table.Build();
            }
        }
    }

    /// <summary>A LIKE pattern (backslash escapes) equivalent to a glob of <c>*</c> and <c>?</c>, or null when the glob uses more.</summary>
    internal static string? GlobToLike(string glob)
    {
        var like = new StringBuilder(glob.Length + 8);
        foreach (var c in glob)
        {
            switch (c)
            {
                case '*':
                    like.Append('%');
                    break;
                case '?':
                    like.Append('_');
                    break;
                case '[' or ']' or '{' or '}' or '!':
                    return null;
                case '%' or '_' or '\\':
                    like.Append('\\').Append(c);
                    break;
                default:
                    like.Append(c);
                    break;
            }
        }

        return like.ToString();
    }

    /// <summary>Collects one table's catalog rows.</summary>
    private sealed class TableBuilder(ColumnType unconstrainedNumeric)
    {
        private readonly ImmutableArray<ColumnSchema>.Builder _columns = ImmutableArray.CreateBuilder<ColumnSchema>();
        private readonly List<(int Position, string Name)> _key = [];
        private readonly ImmutableArray<string>.Builder _cursors = ImmutableArray.CreateBuilder<string>();
        private string? _schema;
        private string? _name;
        private long? _rows;

        public bool HasRows => _name is not null;

        public bool Is(string schema, string name) =>
            string.Equals(_name, name, StringComparison.Ordinal) && string.Equals(_schema, schema, StringComparison.Ordinal);

        public void Start(string schema, string name, double reltuples)
        {
            _schema = schema;
            _name = name;
            _rows = reltuples >= 0 ? (long)reltuples : null;
            _columns.Clear();
            _key.Clear();
            _cursors.Clear();
        }

        public void AddColumn(NpgsqlDataReader reader)
        {
            var name = reader.GetString(3);
            var native = reader.GetString(4);
            var notNull = reader.GetBoolean(5);
            var typeName = reader.GetString(6);
            var typeKind = reader.GetString(7)[0];
            var modifier = reader.GetInt32(8);
            var elementName = reader.IsDBNull(9) ? null : reader.GetString(9);
            var elementKind = reader.IsDBNull(10) ? 'b' : reader.GetString(10)[0];
            var type = PostgresDialect.MapCatalogType(typeName, typeKind, modifier, elementName, elementKind, unconstrainedNumeric);
            _columns.Add(new ColumnSchema(name, type, !notNull, native));
            if (!reader.IsDBNull(11))
            {
                _key.Add((reader.GetInt32(11), name));
            }

            if (type.IsInteger || type.Kind is ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz)
            {
                _cursors.Add(name);
            }
        }

        public StreamSchema Build()
        {
            var key = _key.OrderBy(k => k.Position).Select(k => k.Name).ToImmutableArray();
            var result = new StreamSchema(new StreamId(_schema, _name!), _columns.ToImmutable(), key, _cursors.ToImmutable(), _rows);
            _name = null;
            return result;
        }
    }
}
