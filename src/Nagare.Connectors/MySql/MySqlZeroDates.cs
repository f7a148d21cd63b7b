namespace Nagare.Connectors.MySql;

/// <summary>
/// What a read does with a date MySQL keeps but no calendar has: <c>0000-00-00</c>, <c>2024-00-10</c>, <c>2024-02-00</c>
/// (configuration key <c>zero_dates</c>).
/// </summary>
public enum MySqlZeroDates
{
    /// <summary>Read it as NULL (<c>null</c>, the default), as most applications that write such dates mean "no date".</summary>
    Null,

    /// <summary>Stop the read with an error naming the table, the column and the row's key (<c>error</c>).</summary>
    Error,
}
