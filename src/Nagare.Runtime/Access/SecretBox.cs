using System.Security.Cryptography;
using System.Text;
using Nagare.Core;

namespace Nagare.Runtime.Access;

/// <summary>
/// Seals secrets (connection passwords, API keys) for the metadata store with AES-256-GCM, so a copy of the store
/// alone does not give them away. A sealed value is a version byte, a 12-byte random nonce, the 16-byte tag and the
/// ciphertext; the secret's name is authenticated with it, so a value copied under another name does not open.
/// </summary>
/// <remarks>
/// The key comes from the environment variable <c>NAGARE_SECRET_KEY</c> (base64 of 32 bytes) when set, else from the
/// file <c>.nagare/secret.key</c> of the project, made on first use and readable by its owner only. Back the key up:
/// without it the sealed secrets are lost.
/// </remarks>
public sealed class SecretBox
{
    /// <summary>The environment variable that holds the key.</summary>
    public const string KeyVariable = "NAGARE_SECRET_KEY";

    /// <summary>The key file, relative to the project folder.</summary>
    public const string KeyFile = ".nagare/secret.key";

    private const byte Version = 1;
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int HeaderBytes = 1 + NonceBytes + TagBytes;

    private const UnixFileMode OthersMayRead = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly byte[] key;

    private SecretBox(byte[] key, string keySource)
    {
        this.key = key;
        KeySource = keySource;
    }

    /// <summary>Where the key came from (the variable's name or the file's path; never the key), for messages.</summary>
    public string KeySource { get; }

    /// <summary>The box of the project in <paramref name="projectRoot"/>: its key from the environment, else from its key file (made when missing).</summary>
    /// <param name="projectRoot">The project folder.</param>
    /// <param name="environment">Environment variables to read instead of the process's (tests).</param>
    /// <exception cref="NagareException">The key is not the base64 of 32 bytes, or the key file may be read by others.</exception>
    public static SecretBox Load(string projectRoot, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(projectRoot);
        var fromEnvironment = environment is null ? Environment.GetEnvironmentVariable(KeyVariable) : environment.GetValueOrDefault(KeyVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new SecretBox(
                Decode(fromEnvironment) ?? throw new NagareException($"{KeyVariable} is not the base64 of {KeyBytes} bytes; make a key with: openssl rand -base64 32"),
                "environment variable " + KeyVariable);
        }

        var path = Path.GetFullPath(KeyFile, projectRoot);
        return new SecretBox(ReadOrCreateKeyFile(path), path);
    }

    /// <summary>Seals <paramref name="plaintext"/> as the secret <paramref name="name"/> (a new nonce each time).</summary>
    public byte[] Seal(string name, string plaintext)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(plaintext);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedValue = new byte[HeaderBytes + plain.Length];
        sealedValue[0] = Version;
        var nonce = sealedValue.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(HeaderBytes), sealedValue.AsSpan(1 + NonceBytes, TagBytes), Encoding.UTF8.GetBytes(name));
        CryptographicOperations.ZeroMemory(plain);
        return sealedValue;
    }

    /// <summary>The plaintext of the secret <paramref name="name"/> sealed as <paramref name="sealedValue"/>.</summary>
    /// <exception cref="NagareException">Another key sealed it, it was sealed under another name, or it was changed.</exception>
    public string Open(string name, byte[] sealedValue)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sealedValue);
        if (sealedValue.Length < HeaderBytes || sealedValue[0] != Version)
        {
            throw new NagareException($"Secret '{name}' cannot be decrypted with this key (it is not a value sealed by Nagare, or one of a newer version).");
        }

        var plain = new byte[sealedValue.Length - HeaderBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedValue.AsSpan(1, NonceBytes), sealedValue.AsSpan(HeaderBytes), sealedValue.AsSpan(1 + NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(name));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new NagareException($"Secret '{name}' cannot be decrypted with this key (the key from {KeySource} is not the one that sealed it, or the value was changed or sealed under another name).", e);
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[]? Decode(string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length == KeyBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] ReadOrCreateKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            var created = RandomNumberGenerator.GetBytes(KeyBytes);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var writer = new StreamWriter(path, Encoding.ASCII, options);
                writer.Write(Convert.ToBase64String(created) + "\n");
                return created;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first: use theirs, read below.
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & OthersMayRead) != 0)
        {
            throw new NagareException($"The secret key file {path} may be read by other users; make it readable by its owner only: chmod 600 {path}");
        }

        return Decode(File.ReadAllText(path))
            ?? throw new NagareException($"The secret key file {path} does not hold the base64 of {KeyBytes} bytes; restore it from a backup (secrets sealed with it cannot be opened without it), or, with no secrets stored yet, delete it to have a new one made.");
    }
}
