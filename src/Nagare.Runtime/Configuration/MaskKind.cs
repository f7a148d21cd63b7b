namespace Nagare.Runtime.Configuration;

/// <summary>How a masked column's values are replaced.</summary>
public enum MaskKind
{
    /// <summary>Lower-case hex SHA-256 of the value's UTF-8 text.</summary>
    Sha256,

    /// <summary>Lower-case hex HMAC-SHA256 of the value's UTF-8 text with a secret key.</summary>
    Hmac,
}
