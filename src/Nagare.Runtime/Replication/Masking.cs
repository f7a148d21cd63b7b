using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Nagare.Core.Batches;
using Nagare.Core.Text;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Replication;

/// <summary>Replaces a column's values by a hash of their UTF-8 text (lower-case hex), a whole column at a time.</summary>
public static class Masking
{
    /// <summary>SHA-256 (or HMAC-SHA256 with <paramref name="key"/>) of <paramref name="text"/>'s UTF-8 bytes, as 64 lower-case hex digits.</summary>
    public static string Hash(string text, MaskKind kind, byte[]? key)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = length <= 1024 ? null : ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> buffer = rented ?? stackalloc byte[1024];
            var written = Encoding.UTF8.GetBytes(text, buffer);
            Span<byte> hash = stackalloc byte[32];
            if (kind == MaskKind.Hmac)
            {
                HMACSHA256.HashData(key ?? [], buffer[..written], hash);
            }
            else
            {
                SHA256.HashData(buffer[..written], hash);
            }

            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes the masked text of the first <paramref name="rows"/> rows of <paramref name="from"/> into <paramref name="to"/>; NULL stays NULL.</summary>
    public static void Apply(ColumnVector from, ColumnVector<string?> to, int rows, MaskKind kind, Secret? secret)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var key = secret is null ? null : Encoding.UTF8.GetBytes(secret.Reveal());
        var nulls = from.Nulls;
        if (from is ColumnVector<string?> text)
        {
            for (var i = 0; i < rows; i++)
            {
                if (nulls[i] || text.Values[i] is null)
                {
                    to.SetNull(i);
                }
                else
                {
                    to.Set(i, Hash(text.Values[i]!, kind, key));
                }
            }

            return;
        }

        for (var i = 0; i < rows; i++)
        {
            if (nulls[i])
            {
                to.SetNull(i);
            }
            else
            {
                to.Set(i, Hash(ValueFormat.Format(from.GetBoxed(i)), kind, key));
            }
        }
    }
}
