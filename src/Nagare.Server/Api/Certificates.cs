using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nagare.Core;

namespace Nagare.Server.Api;

/// <summary>Reads the server's HTTPS certificate.</summary>
internal static class Certificates
{
    /// <summary>A PEM certificate with its key file, or a PKCS#12 file with its password.</summary>
    public static X509Certificate2 Load(string path, string? keyOrPassword)
    {
        try
        {
            if (path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase))
            {
                return X509Certificate2.CreateFromPemFile(path, keyOrPassword ?? throw new NagareException($"The certificate {path} is PEM: also give its private key file (--key)."));
            }

            return X509CertificateLoader.LoadPkcs12FromFile(path, keyOrPassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new NagareException($"Cannot read the certificate {path}: {e.Message}", e);
        }
    }
}
