namespace Nagare.Runtime.Models;

/// <summary>
/// What <c>ref()</c>, <c>source()</c> and <c>this</c> return to templates. Printed, it is the quoted relation
/// (or, during the first render, a placeholder resolved once every node's schema is known). Reading its
/// attributes marks the render as needing the final pass, where they carry real values.
/// </summary>
internal sealed class RelationValue
{
    private readonly RenderCapture? _capture;
    private readonly string _text;
    private readonly string _database;
    private readonly string _schema;
    private readonly string _identifier;

    public RelationValue(string text, string database, string schema, string identifier, RenderCapture? capture)
    {
        _text = text;
        _database = database;
        _schema = schema;
        _identifier = identifier;
        _capture = capture;
    }

    public string Database => Touch(_database);

    public string Schema => Touch(_schema);

    public string Identifier => Touch(_identifier);

    public string Name => Touch(_identifier);

    public string Table => Touch(_identifier);

    public override string ToString() => _text;

    private string Touch(string value)
    {
        if (_capture is not null)
        {
            _capture.NeedsFinalRender = true;
        }

        return value;
    }
}
