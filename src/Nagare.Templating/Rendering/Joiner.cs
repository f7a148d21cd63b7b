namespace Nagare.Templating.Rendering;

/// <summary>Jinja's <c>joiner(sep)</c>: returns an empty string the first time it is called, the separator afterwards.</summary>
internal sealed class Joiner : ICallable
{
    private readonly string _separator;
    private bool _used;

    public Joiner(string separator) => _separator = separator;

    public object? Call(Renderer renderer, Arguments arguments)
    {
        if (!_used)
        {
            _used = true;
            return string.Empty;
        }

        return _separator;
    }
}
