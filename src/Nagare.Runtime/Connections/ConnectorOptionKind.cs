namespace Nagare.Runtime.Connections;

/// <summary>What kind of value a connector option takes, as it is written in a connection file.</summary>
public enum ConnectorOptionKind
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A file or folder, relative to the project folder unless absolute.</summary>
    Path,

    /// <summary>One of <see cref="ConnectorOption.Choices"/>.</summary>
    Choice,

    /// <summary>A list of text values (<c>[a, b]</c>).</summary>
    List,

    /// <summary>A mapping of names to text values (<c>{orders: "orders_*.csv"}</c>).</summary>
    Map,
}
