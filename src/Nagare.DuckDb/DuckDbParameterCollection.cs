using System.Collections;
using System.Data.Common;
using System.Globalization;
using Nagare.DuckDb.Native;
using Nagare.DuckDb.Reading;

namespace Nagare.DuckDb;

/// <summary>
/// Parameters of a <see cref="DuckDbCommand"/>. A statement's <c>$name</c> placeholder takes the
/// parameter of that name (prefix <c>$</c>, <c>@</c> or <c>:</c> optional, case-insensitive); <c>$n</c>
/// and <c>?</c> take the parameter named <c>n</c>, else the n-th parameter. In a command of several
/// statements each statement numbers its positional placeholders from 1.
/// </summary>
public sealed class DuckDbParameterCollection : DbParameterCollection
{
    private readonly List<DuckDbParameter> _items = [];

    public override int Count => _items.Count;

    public override object SyncRoot => ((ICollection)_items).SyncRoot;

    public new DuckDbParameter this[int index]
    {
        get => _items[index];
        set => _items[index] = value;
    }

    public new DuckDbParameter this[string parameterName]
    {
        get => _items[IndexOfExisting(parameterName)];
        set => _items[IndexOfExisting(parameterName)] = value;
    }

    /// <summary>Adds a parameter with a name and value.</summary>
    public DuckDbParameter Add(string parameterName, object? value)
    {
        var parameter = new DuckDbParameter(parameterName, value);
        _items.Add(parameter);
        return parameter;
    }

    /// <summary>Adds an unnamed (positional) parameter.</summary>
    public DuckDbParameter AddPositional(object? value)
    {
        var parameter = new DuckDbParameter(value);
        _items.Add(parameter);
        return parameter;
    }

    public DuckDbParameter Add(DuckDbParameter parameter)
    {
        _items.Add(parameter);
        return parameter;
    }

    public override int Add(object value)
    {
        _items.Add(Cast(value));
        return _items.Count - 1;
    }

    public override void AddRange(Array values)
    {
        foreach (var value in values)
        {
            Add(value!);
        }
    }

    public override void Clear() => _items.Clear();

    public override bool Contains(object value) => value is DuckDbParameter p && _items.Contains(p);

    public override bool Contains(string value) => IndexOf(value) >= 0;

    public override void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);

    public override IEnumerator GetEnumerator() => _items.GetEnumerator();

    public override int IndexOf(object value) => value is DuckDbParameter p ? _items.IndexOf(p) : -1;

    public override int IndexOf(string parameterName)
    {
        var name = DuckDbParameter.Normalize(parameterName);
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].NormalizedName, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public override void Insert(int index, object value) => _items.Insert(index, Cast(value));

    public override void Remove(object value) => _items.Remove(Cast(value));

    public override void RemoveAt(int index) => _items.RemoveAt(index);

    public override void RemoveAt(string parameterName) => _items.RemoveAt(IndexOfExisting(parameterName));

    protected override DbParameter GetParameter(int index) => _items[index];

    protected override DbParameter GetParameter(string parameterName) => _items[IndexOfExisting(parameterName)];

    protected override void SetParameter(int index, DbParameter value) => _items[index] = Cast(value);

    protected override void SetParameter(string parameterName, DbParameter value) => _items[IndexOfExisting(parameterName)] = Cast(value);

    /// <summary>
    /// Binds every placeholder of a prepared statement and records which parameters were used.
    /// A placeholder without a value is left unbound so DuckDB reports it in its own words.
    /// </summary>
    internal void BindTo(IntPtr prepared, bool[] used)
    {
        NativeMethods.duckdb_clear_bindings(prepared);
        var count = NativeMethods.duckdb_nparams(prepared);
        for (var i = 1UL; i <= count; i++)
        {
            var name = VectorReaderFactory.TakeString(NativeMethods.duckdb_parameter_name(prepared, i));
            var position = IndexOf(name);
            if (position < 0 && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) &&
                number >= 1 && number <= _items.Count && _items[number - 1].NormalizedName.Length == 0)
            {
                position = number - 1;
            }

            if (position < 0)
            {
                continue;
            }

            used[position] = true;
            _items[position].Bind(prepared, i, "$" + name);
        }
    }

    /// <summary>Throws when a parameter was given that no statement uses (a typo in a name, or one value too many).</summary>
    internal void EnsureAllUsed(bool[] used)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (!used[i])
            {
                var name = _items[i].ParameterName;
                throw new DuckDbException(name.Length > 0
                    ? $"The command has a parameter named '{name}', but no statement uses ${DuckDbParameter.Normalize(name)}."
                    : $"The command has {_items.Count} parameters, but its statements use only {used.Count(u => u)} of them (parameter {i + 1} is unused).");
            }
        }
    }

    private int IndexOfExisting(string parameterName)
    {
        var index = IndexOf(parameterName);
        return index >= 0 ? index : throw new ArgumentException($"No parameter named '{parameterName}'.", nameof(parameterName));
    }

    private static DuckDbParameter Cast(object value) =>
        value as DuckDbParameter ?? throw new InvalidCastException($"Expected a DuckDbParameter, got {value?.GetType().Name ?? "null"}.");
}
