namespace Nagare.Templating.Rendering;

/// <summary>Raised by dbt's <c>return(value)</c> and caught by the enclosing macro call, which then yields the value.</summary>
internal sealed class MacroReturn : Exception
{
    public MacroReturn()
    {
    }

    public MacroReturn(string message)
        : base(message)
    {
    }

    public MacroReturn(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private MacroReturn(object? value)
        : base("return() called outside of a macro")
    {
        Value = value;
    }

    public object? Value { get; }

    public static MacroReturn WithValue(object? value) => new(value);
}
