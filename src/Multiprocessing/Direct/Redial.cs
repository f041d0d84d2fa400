using System.Collections.Concurrent;

namespace Multiprocessing.Direct;

/// <summary>
/// When a node that could not be reached directly is tried again: a link that could not be dialled, an offer that was
/// not answered. Long enough that a node which refuses or is not listening yet costs one try a second, not one a
/// message; short enough that a node which was only slow to start its listener gets its link soon.
/// </summary>
internal static class Redial
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>Takes <paramref name="value"/> out of <paramref name="table"/> after <see cref="Delay"/>, unless it was replaced since: whoever needs it then tries again.</summary>
    public static void ForgetLater<TKey, TValue>(ConcurrentDictionary<TKey, TValue> table, TKey key, TValue value) where TKey : notnull =>
        _ = Task.Delay(Delay).ContinueWith(_ => table.TryRemove(KeyValuePair.Create(key, value)), TaskScheduler.Default);
}
