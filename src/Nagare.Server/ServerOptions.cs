using Nagare.Runtime.Pipelines;

namespace Nagare.Server;

/// <summary>How to start a server.</summary>
public sealed record ServerOptions
{
    /// <summary>The default address: this machine only.</summary>
    public const string DefaultListen = "127.0.0.1:8181";

    /// <summary>The project, its metadata store and pipelines.</summary>
    public required PipelineService Pipelines { get; init; }

    /// <summary><c>HOST:PORT</c> to listen on (default <see cref="DefaultListen"/>; port 0 picks a free one).</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>A PKCS#12 (.pfx/.p12) or PEM certificate file: HTTPS instead of HTTP. Null for HTTP.</summary>
    public string? Certificate { get; init; }

    /// <summary>The PEM private key file (with a PEM certificate) or the PKCS#12 password, or null.</summary>
    public string? CertificateKey { get; init; }

    /// <summary>The largest request body taken, in bytes (default 1 MiB): larger ones are refused with 413.</summary>
    public long MaxRequestBytes { get; init; } = 1 << 20;

    /// <summary>Clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the server says what it does (start, the first admin's password once, errors); null for nowhere.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The folder of the built web UI (with <c>index.html</c>) served at <c>/</c>, or null: <c>/</c> then says how to build it.</summary>
    public string? WebRoot { get; init; }

    /// <summary>Write <c>.nagare/server.json</c> so the command line on this machine finds the server (default true).</summary>
    public bool Announce { get; init; } = true;
}
