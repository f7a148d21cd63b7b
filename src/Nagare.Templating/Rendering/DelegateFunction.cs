
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Nagare.Templating.Values;

namespace Nagare.Templating.Rendering;

/// <summary>
/// Adapts an arbitrary .NET delegate (for example <c>Func&lt;string, string&gt;</c>) to a template callable,
/// converting template numbers to the parameter types and filling optional parameters.
/// </summary>
internal sealed class DelegateFunction : ICallable
{
    private static readonly ConditionalWeakTable<Delegate, DelegateFunction> Cache = new();
    private readonly Delegate _delegate;
    private readonly ParameterInfo[] _parameters;

    private DelegateFunction(Delegate d)
    {
        _delegate = d;
        _parameters = d.Method.GetParameters();
        if (d.Target is not null && _parameters.Length > 0 && d.Method.IsStatic && _parameters[0].ParameterType.IsInstanceOfType(d.Target))
        {
            _parameters = _parameters[1..];
        }
    }

    public static DelegateFunction Create(Delegate d) => Cache.GetValue(d, static x => new DelegateFunction(x));

    public object? Call(Renderer renderer, Arguments arguments)
    {
        var values = new object?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            object? value;
            if (i < arguments.Count)
            {
                value = arguments[i];
            }
            else if (arguments.Keyword is not null && p.Name is not null && arguments.Keyword.TryGetValue(p.Name, out var kv))
            {
                value = kv;
            }
            else if (p.HasDefaultValue)
            {
                values[i] = p.DefaultValue;
                continue;
            }
            else
            {
                throw PyException.Type($"missing required argument '{p.Name}'");
            }

            values[i] = Convert(value, p.ParameterType);
        }

        if (arguments.Count > _parameters.Length)
        {
            throw PyException.Type($"takes {_parameters.Length} positional argument(s) but {arguments.Count} were given");
        }

        try
        {
            return PyOps.Import(_delegate.DynamicInvoke(values));
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    private static object? Convert(object? value, Type type)
    {
        if (value is Undefined)
        {
            value = null;
        }

        if (value is null || type == typeof(object) || type.IsInstanceOfType(value))
        {
            return value;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return PyFormat.ToStr(value);
        }

        if (Numbers.IsNumber(value))
        {
            if (target == typeof(double))
            {
                return Numbers.ToDouble(value);
            }

            if (target == typeof(BigInteger))
            {
                return Numbers.ToBig(value);
            }

            return System.Convert.ChangeType(Numbers.IsFloat(value) ? Numbers.ToDouble(value) : (object)(long)Numbers.ToBig(value), target, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (target == typeof(bool))
        {
            return PyOps.Truthy(value);
        }

        throw PyException.Type($"cannot pass a {PyOps.TypeName(value)} where {target.Name} is expected");
    }
}
