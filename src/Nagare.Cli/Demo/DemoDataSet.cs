namespace Nagare.Cli.Demo;

/// <summary>
/// The generated sample data, column by column (struct of arrays, the shape the appender takes).
/// Access logs are not here: they are written as NDJSON files, as a web server would.
/// </summary>
public sealed class DemoDataSet
{
    public required CustomerColumns Customers { get; init; }

    public required ProductColumns Products { get; init; }

    public required OrderColumns Orders { get; init; }

    /// <summary>Customers table columns.</summary>
    public sealed record CustomerColumns(long[] Id, string[] Name, string[] Email, string[] Prefecture, DateTimeOffset[] SignedUpAt, bool[] IsActive);

    /// <summary>Products table columns.</summary>
    public sealed record ProductColumns(long[] Id, string[] Name, string[] Category, Int128[] Price);

    /// <summary>Orders table columns; <see cref="CouponCode"/> holds NULLs.</summary>
    public sealed record OrderColumns(long[] Id, long[] CustomerId, long[] ProductId, int[] Quantity, Int128[] Amount, string[] Status, string?[] CouponCode, DateTimeOffset[] OrderedAt);
}
