using Multiprocessing.Runtime;

namespace Multiprocessing.Pools;

/// <summary>
/// What a job runs on every item, serialized once per job and once per worker (not per chunk).
/// A typed subclass runs a whole chunk (a typed array) with direct delegate calls: no reflection,
/// no boxing of the items, and arrays of primitives travel as blocks.
/// </summary>
internal abstract class PoolTarget
{
    /// <summary>Runs the target on every item of the chunk <paramref name="items"/>; the chunk of results, in the same order.</summary>
    public abstract byte[] Run(byte[] items, PayloadSerializer payloads, int chunk);
}

/// <summary>A one-argument function over chunks of <typeparamref name="T"/>.</summary>
internal sealed class MapTarget<T, TResult>(Func<T, TResult> func) : PoolTarget
{
    private readonly Func<T, TResult> _func = func;

    public override byte[] Run(byte[] items, PayloadSerializer payloads, int chunk)
    {
        var input = ChunkCodec<T>.Decode(items, payloads, $"chunk {chunk} of the pool's input");
        var output = new TResult[input.Length];
        for (var i = 0; i < input.Length; i++) output[i] = _func(input[i]);
        return ChunkCodec<TResult>.Encode(output, payloads, $"the results of chunk {chunk}");
    }
}

/// <summary>StarMap's functions, called with the fields of a tuple (Python's <c>func(*args)</c>).</summary>
internal static class Spread
{
    public static Func<(T1, T2), TResult> Of<T1, T2, TResult>(Func<T1, T2, TResult> func) => new Two<T1, T2, TResult>(func).Invoke;

    public static Func<(T1, T2, T3), TResult> Of<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func) => new Three<T1, T2, T3, TResult>(func).Invoke;

    /// <summary>Apply's function, which takes no item (it is run on a chunk of one placeholder).</summary>
    public static Func<byte, TResult> Of<TResult>(Func<TResult> func) => new None<TResult>(func).Invoke;

    private sealed class Two<T1, T2, TResult>(Func<T1, T2, TResult> func)
    {
        private readonly Func<T1, T2, TResult> _func = func;
        public TResult Invoke((T1, T2) args) => _func(args.Item1, args.Item2);
    }

    private sealed class Three<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func)
    {
        private readonly Func<T1, T2, T3, TResult> _func = func;
        public TResult Invoke((T1, T2, T3) args) => _func(args.Item1, args.Item2, args.Item3);
    }

    private sealed class None<TResult>(Func<TResult> func)
    {
        private readonly Func<TResult> _func = func;
        public TResult Invoke(byte _) => _func();
    }
}

/// <summary>The pool's initializer (Python's <c>initializer(*initargs)</c>), run by every worker before its first task.</summary>
internal sealed class PoolInitializer(Delegate action, object?[] args)
{
    private readonly Delegate _action = action;
    private readonly object?[] _args = args;

    public void Run()
    {
        try
        {
            _action.DynamicInvoke(_args);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
