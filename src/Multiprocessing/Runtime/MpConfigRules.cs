using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Multiprocessing.Runtime;

/// <summary>
/// What each setting the library reads may hold. <see cref="MpConfig"/> checks every layer of the
/// configuration (the user's file, <c>MpOptions</c>) against these rules as it loads it, so that a
/// wrong value fails at start naming where it was set, not deep inside whatever reads it first.
/// A setting missing from this list is read by Akka itself, which reports its own errors.
/// </summary>
internal static class MpConfigRules
{
    private static readonly Rule Count = Whole("a whole number, 0 or more", 0, int.MaxValue);
    private static readonly Rule AtLeastOne = Whole("a whole number, 1 or more", 1, int.MaxValue);
    private static readonly Rule Timeout = new("a duration above zero, such as 500ms or 30s", value => Duration(value) > TimeSpan.Zero);
    private static readonly Rule Switch = new("on or off", IsBoolean);
    private static readonly Rule Name = new("a name, not empty", value => !string.IsNullOrWhiteSpace(value.GetString()));

    private static readonly (string Key, Rule Rule)[] Rules =
    [
        ("multiprocessing.workers", Count),
        ("multiprocessing.min-workers", Count),
        ("multiprocessing.start-method", OneOf("spawn", "actor")),
        ("multiprocessing.spawn.spares", Count),
        ("multiprocessing.spawn.max-spares", Count.Or("auto")),
        ("multiprocessing.spawn.connect-ahead-after", new Rule("a duration, such as 250ms", value => Duration(value) >= TimeSpan.Zero).Or("off")),
        ("multiprocessing.worker-ready-timeout", Timeout),
        ("multiprocessing.worker-join-timeout", Timeout),
        // on, off, or a block naming the cluster's credentials: security { auth-file = FILE }.
        ("multiprocessing.security", new Rule("on, off, or { auth-file = FILE }", value => value.IsObject() || IsBoolean(value)) { AllowsBlock = true }),
        ("multiprocessing.shutdown-timeout", Timeout),
        ("multiprocessing.coordinator-lost-timeout", Timeout),
        ("multiprocessing.ask-timeout", Timeout),
        ("multiprocessing.direct-links", Switch),
        ("multiprocessing.direct-link-handshake-timeout", Timeout),
        ("multiprocessing.spin-before-blocking-micros", Count),
        ("multiprocessing.shared-memory", OneOf("on", "off")),
        // .NET arrays stop short of 2 GiB.
        ("multiprocessing.pipes.unread-limit", new Rule("a size of at least 64 KiB, such as 16 MiB", value => value.GetByteSize() >= 64 * 1024)),
        ("multiprocessing.payloads.maximum-size", new Rule("a size from 1 KiB to 2000 MiB, such as 1 GiB", value => value.GetByteSize() is >= 1024 and <= 2000L << 20)),
        ("multiprocessing.payloads.chunk-size", new Rule("a size of at least 1 KiB, such as 4 MiB", value => value.GetByteSize() >= 1024)),
        ("multiprocessing.payloads.window", new Rule("a size of at least 1 KiB, such as 16 MiB", value => value.GetByteSize() >= 1024)),
        ("multiprocessing.manager.shards", AtLeastOne),
        ("multiprocessing.manager.resend-after", Timeout),
        ("multiprocessing.manager.replicas", Whole("0 (objects are lost with their node) or 1 (a copy on the coordinator)", 0, 1)),
        ("multiprocessing.pool.routees-per-node", AtLeastOne),
        ("multiprocessing.pool.chunks-in-flight-per-worker", AtLeastOne),
        ("multiprocessing.pool.work-ahead-per-worker", new Rule("a duration, such as 5ms (0: chunks-in-flight-per-worker only)", value => Duration(value) >= TimeSpan.Zero)),
        ("multiprocessing.pool.lazy-chunks-ahead", AtLeastOne),
        ("multiprocessing.pool.max-chunk-attempts", AtLeastOne),
        ("multiprocessing.pool.no-worker-timeout", Timeout),
        ("multiprocessing.pool.worker-role", Name),
        ("multiprocessing.worker.executable", new Rule("a path", value => value.GetString() is not null)),
        // Empty is Akka's "this machine's own address" (beyond loopback).
        ("akka.remote.dot-netty.tcp.hostname", new Rule("a host name or address (empty: this machine's address)", value => value.GetString() is not null)),
        ("akka.remote.dot-netty.tcp.port", Whole("a port number from 0 to 65535 (0: any free port)", 0, 65535)),
        // Akka.Remote refuses frames under 32000 bytes.
        ("akka.remote.dot-netty.tcp.maximum-frame-size", new Rule("a size of at least 32000 bytes, such as 16 MiB", value => value.GetByteSize() >= 32_000)),
    ];

    /// <summary>
    /// Throws <see cref="MpConfigurationException"/> at the first setting of <paramref name="layer"/> that breaks
    /// its rule; <paramref name="lines"/> tell on which line of <paramref name="source"/> each key is set.
    /// </summary>
    public static void Check(Config layer, string source, IReadOnlyDictionary<string, int> lines)
    {
        foreach (var (key, rule) in Rules)
        {
            if (Find(layer.Root, key, source, lines) is not { } value) continue;
            if ((value.IsObject() && !rule.AllowsBlock) || value.IsArray() || !rule.Accepts(value))
                throw Wrong(source, lines, key, Shown(value), rule.Expected);
        }
    }

    // The value at key; null when the layer does not set it. Every block on the way must be a block.
    private static HoconValue? Find(HoconValue root, string key, string source, IReadOnlyDictionary<string, int> lines)
    {
        var value = root;
        var path = "";
        foreach (var segment in key.Split('.'))
        {
            if (!value.IsObject()) throw Wrong(source, lines, path, Shown(value), "a block of settings { ... }");
            path = path.Length == 0 ? segment : path + "." + segment;
            if (value.GetObject().Items.GetValueOrDefault(segment) is not { } next) return null;
            value = next;
        }
        return value;
    }

    private static MpConfigurationException Wrong(string source, IReadOnlyDictionary<string, int> lines, string key, string shown, string expected) =>
        new($"{source}{(lines.TryGetValue(key, out var line) ? $":{line}" : "")}: {key} = {shown}: expected {expected}.");

    private static string Shown(HoconValue value) =>
        value.IsObject() ? "{ ... }" : value.IsArray() ? "[ ... ]" : value.GetString() ?? "null";

    private static bool IsBoolean(HoconValue value)
    {
        _ = value.GetBoolean(); // throws for anything else
        return true;
    }

    private static TimeSpan Duration(HoconValue value) => value.GetTimeSpan(allowInfinite: false);

    private static Rule Whole(string expected, int minimum, int maximum) =>
        new(expected, value => int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                               && number >= minimum && number <= maximum);

    private static Rule OneOf(params string[] choices) =>
        new(string.Join(" or ", choices), value => choices.Contains(value.GetString()?.Trim().ToLowerInvariant()));

    /// <summary>What a setting may hold: <see cref="Expected"/> says it to the user.</summary>
    private sealed record Rule(string Expected, Func<HoconValue, bool> Test)
    {
        /// <summary>The setting may be a block of settings too (checked by whoever reads it).</summary>
        public bool AllowsBlock { get; init; }

        public bool Accepts(HoconValue value)
        {
            try
            {
                return Test(value);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or OverflowException or ArgumentException)
            {
                return false; // Akka's getters throw these for text that is not of their kind: that is the answer
            }
        }

        /// <summary>This rule, or the word <paramref name="keyword"/>.</summary>
        public Rule Or(string keyword) => new($"{Expected}, or {keyword}", value => value.GetString() == keyword || Accepts(value));
    }
}
