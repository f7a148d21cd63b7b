namespace Nagare.Templating;

/// <summary>
/// A function the host makes callable from templates (dbt's <c>ref</c>, <c>source</c>, <c>var</c>, <c>config</c>...).
/// It receives positional and keyword arguments and returns a value: a string, number, bool, null,
/// list (<see cref="System.Collections.IList"/>), dictionary, or any object whose public properties templates may read.
/// </summary>
public delegate object? TemplateFunction(TemplateArguments arguments);
