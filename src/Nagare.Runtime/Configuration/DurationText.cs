using System.Globalization;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// Durations as project files write them: <c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, combinations
/// from the largest unit down such as <c>1h30m</c>, or a bare integer of seconds (<c>90</c>).
/// </summary>
public static class DurationText
{
    private static readonly (string Unit, long Milliseconds)[] Units =
    [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];

    /// <summary>The duration <paramref name="text"/> stands for (zero or more).</summary>
    /// <exception cref="FormatException">The text is not a duration; the message says what to write.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds <= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : throw TooLong(text);
        }

        if (trimmed.Length == 0)
        {
            throw Invalid(text, "it is empty");
        }

        long total = 0;
        var lastUnit = -1;
        var i = 0;
        while (i < trimmed.Length)
        {
            var start = i;
            while (i < trimmed.Length && char.IsAsciiDigit(trimmed[i]))
            {
                i++;
            }

            if (i == start)
            {
                throw Invalid(text, $"expected a number at '{trimmed[start..]}'");
            }

            var number = trimmed[start..i];
            var unitStart = i;
            while (i < trimmed.Length && char.IsAsciiLetter(trimmed[i]))
            {
                i++;
            }

            var unit = trimmed[unitStart..i];
            var index = Array.FindIndex(Units, u => string.Equals(u.Unit, unit, StringComparison.Ordinal));
            if (index < 0)
            {
                throw Invalid(
                    text,
                    unit.Length > 0 ? $"'{unit}' is not a unit"
                    : i < trimmed.Length ? $"expected a unit at '{trimmed[i..]}'; numbers are whole, so write 1h30m rather than 1.5h"
                    : $"'{number}' needs a unit");
            }

            if (index <= lastUnit)
            {
                throw Invalid(text, "units go from the largest down, each once (e.g. 1h30m)");
            }

            lastUnit = index;
            try
            {
                total = checked(total + (long.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture) * Units[index].Milliseconds));
            }
            catch (OverflowException)
            {
                throw TooLong(text);
            }
        }

        return total <= (long)TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.FromMilliseconds(total) : throw TooLong(text);
    }

    /// <summary>The shortest text <see cref="Parse"/> reads back as <paramref name="value"/>, e.g. <c>1h30m</c>, <c>500ms</c>, <c>0s</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public static string Format(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        var rest = (long)value.TotalMilliseconds;
        if (rest == 0)
        {
            return "0s";
        }

        var text = new System.Text.StringBuilder();
        foreach (var (unit, milliseconds) in Units)
        {
            if (rest >= milliseconds)
            {
                text.Append(CultureInfo.InvariantCulture, $"{rest / milliseconds}{unit}");
                rest %= milliseconds;
            }
        }

        return text.ToString();
    }

    private static FormatException Invalid(string text, string why) =>
        new($"'{text}' is not a duration ({why}): write e.g. 30s, 10m, 2h, 1h30m, 1d, 500ms, or a number of seconds");

    private static FormatException TooLong(string text) => new($"'{text}' is too long a duration");
}
