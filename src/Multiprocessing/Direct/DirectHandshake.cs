using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Multiprocessing.Messages.Direct;
using Multiprocessing.Security;

namespace Multiprocessing.Direct;

/// <summary>
/// What a direct link proves before it carries anything. Every handshake message has a fixed size, so nothing
/// a stranger sends decides how much is read or allocated. Two schemes, chosen by the listener:
/// <list type="bullet">
/// <item>Keyed (the cluster has credentials; Python's <c>authkey</c> challenge): the listener sends a fresh
/// nonce; the client answers [mode][its own nonce][HMAC-SHA256(link key, "client" | both nonces | mode)];
/// the listener answers HMAC(link key, "listener" | both nonces | mode), so the client knows it reached a
/// node of the cluster too. The offer carries no secret.</item>
/// <item>Cookie (multiprocessing.security = off): the client presents the random cookie the listener's
/// offer gave out over Akka: [int32 17][16-byte cookie][mode]; nothing comes back.</item>
/// </list>
/// </summary>
internal sealed class DirectHandshake
{
    private const int NonceLength = 32;
    private const int MacLength = 32;
    private const int CookieLength = 16;
    private static readonly byte[] ClientLabel = Encoding.ASCII.GetBytes("mp-direct client v1");
    private static readonly byte[] ListenerLabel = Encoding.ASCII.GetBytes("mp-direct listener v1");

    private readonly byte[]? _key;
    private readonly byte[]? _cookie;

    private DirectHandshake(byte[]? key, byte[]? cookie)
    {
        _key = key;
        _cookie = cookie;
    }

    /// <summary>True when the link proves the cluster's key (and goes over TLS when it leaves the host).</summary>
    public bool Keyed => _key is not null;

    /// <summary>The listener's side: keyed with credentials, else a fresh random cookie.</summary>
    public static DirectHandshake ForListener(ClusterCredentials? credentials) =>
        credentials is null ? new DirectHandshake(null, RandomNumberGenerator.GetBytes(CookieLength)) : new DirectHandshake(credentials.LinkKey, null);

    /// <summary>The client's side for <paramref name="offer"/>; null when this node cannot prove what that listener asks (no credentials).</summary>
    public static DirectHandshake? ForClient(DirectLinkOffer offer, ClusterCredentials? credentials)
    {
        if (offer.Cookie is { Length: CookieLength } cookie) return new DirectHandshake(null, cookie);
        return offer.Cookie is null && credentials is not null ? new DirectHandshake(credentials.LinkKey, null) : null;
    }

    /// <summary>What the listener's offer hands out over Akka: the cookie, or nothing with the keyed scheme.</summary>
    public byte[]? OfferedCookie => _cookie;

    /// <summary>A listener's handshake with one connection.</summary>
    public Listening Listen() => new(this);

    /// <summary>A client's handshake for one connection in <paramref name="mode"/>.</summary>
    public Calling Call(DirectFrames.Mode mode) => new(this, mode);

    private static byte[] Mac(byte[] key, byte[] label, ReadOnlySpan<byte> listenerNonce, ReadOnlySpan<byte> clientNonce, DirectFrames.Mode mode)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(label);
        hmac.AppendData(listenerNonce);
        hmac.AppendData(clientNonce);
        hmac.AppendData([(byte)mode]);
        return hmac.GetHashAndReset();
    }

    private static bool IsMode(byte value) => value is (byte)DirectFrames.Mode.Messages or (byte)DirectFrames.Mode.Calls;

    /// <summary>The listener's turns: send <see cref="Greeting"/>, read <see cref="HelloLength"/> bytes, check them with <see cref="TryAccept"/>.</summary>
    public sealed class Listening
    {
        private readonly DirectHandshake _scheme;
        private readonly byte[] _nonce;

        internal Listening(DirectHandshake scheme)
        {
            _scheme = scheme;
            _nonce = scheme.Keyed ? RandomNumberGenerator.GetBytes(NonceLength) : [];
        }

        /// <summary>Sent as soon as the connection is accepted (empty with a cookie).</summary>
        public byte[] Greeting => _nonce;

        public int HelloLength => _scheme.Keyed ? 1 + NonceLength + MacLength : 4 + CookieLength + 1;

        /// <summary>Checks the client's hello; on success <paramref name="reply"/> (maybe empty) goes back before any frame.</summary>
        public bool TryAccept(byte[] hello, out DirectFrames.Mode mode, out byte[] reply)
        {
            mode = default;
            reply = [];
            if (hello.Length != HelloLength) return false;
            if (_scheme._key is { } key)
            {
                if (!IsMode(hello[0])) return false;
                mode = (DirectFrames.Mode)hello[0];
                var clientNonce = hello.AsSpan(1, NonceLength);
                var expected = Mac(key, ClientLabel, _nonce, clientNonce, mode);
                if (!CryptographicOperations.FixedTimeEquals(hello.AsSpan(1 + NonceLength), expected)) return false;
                reply = Mac(key, ListenerLabel, _nonce, clientNonce, mode);
                return true;
            }
            if (BinaryPrimitives.ReadInt32LittleEndian(hello) != CookieLength + 1 || !IsMode(hello[^1])) return false;
            mode = (DirectFrames.Mode)hello[^1];
            return CryptographicOperations.FixedTimeEquals(hello.AsSpan(4, CookieLength), _scheme._cookie);
        }
    }

    /// <summary>The client's turns: read <see cref="ChallengeLength"/> bytes, send <see cref="Hello"/>, read <see cref="ProofLength"/> bytes and <see cref="Verify"/> them.</summary>
    public sealed class Calling
    {
        private readonly DirectHandshake _scheme;
        private readonly DirectFrames.Mode _mode;
        private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(NonceLength);
        private byte[] _challenge = [];

        internal Calling(DirectHandshake scheme, DirectFrames.Mode mode)
        {
            _scheme = scheme;
            _mode = mode;
        }

        public int ChallengeLength => _scheme.Keyed ? NonceLength : 0;

        public int ProofLength => _scheme.Keyed ? MacLength : 0;

        public byte[] Hello(byte[] challenge)
        {
            if (_scheme._key is not { } key)
            {
                var hello = new byte[4 + CookieLength + 1];
                BinaryPrimitives.WriteInt32LittleEndian(hello, CookieLength + 1);
                _scheme._cookie!.CopyTo(hello, 4);
                hello[^1] = (byte)_mode;
                return hello;
            }
            _challenge = challenge;
            return [(byte)_mode, .. _nonce, .. Mac(key, ClientLabel, challenge, _nonce, _mode)];
        }

        /// <summary>True when the listener proved the cluster's key (always with a cookie: that scheme proves nothing back).</summary>
        public bool Verify(byte[] proof) =>
            _scheme._key is not { } key || CryptographicOperations.FixedTimeEquals(proof, Mac(key, ListenerLabel, _challenge, _nonce, _mode));
    }
}
