using System.Collections;

namespace Nagare.Templating.Values;

/// <summary>Python's lazy <c>range</c>: prints as <c>range(0, 3)</c> and supports len, indexing and iteration.</summary>
internal sealed class PyRange : IReadOnlyList<object?>
{
    public PyRange(long start, long stop, long step)
    {
        if (step == 0)
        {
            throw PyException.Value("range() arg 3 must not be zero");
        }

        Start = start;
        Stop = stop;
        Step = step;
        var count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        LongCount = Math.Max(0, count);
    }

    public long Start { get; }

    public long Stop { get; }

    public long Step { get; }

    public long LongCount { get; }

    public int Count => (int)Math.Min(LongCount, int.MaxValue);

    public object? this[int index] => Start + (index * Step);

    public IEnumerator<object?> GetEnumerator()
    {
        for (long i = 0; i < LongCount; i++)
        {
            yield return Start + (i * Step);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Step == 1 ? $"range({Start}, {Stop})" : $"range({Start}, {Stop}, {Step})";
}
