namespace Multiprocessing.Tests.Values;

/// <summary>Process targets for the Value and Array tests.</summary>
public static class ValueTargets
{
    /// <summary>(v, a[0], a[1]) becomes (a[1], v, a[0]): the child reads what the parent wrote and writes back.</summary>
    public static void Rotate<T>(MpValue<T> value, MpArray<T> array) where T : unmanaged
    {
        var (v, a0, a1) = (value.Value, array[0], array[1]);
        value.Value = a1;
        array[0] = v;
        array[1] = a0;
    }

    /// <summary><see cref="Rotate{T}"/> for each (value, array) pair of <paramref name="handles"/>, whatever their element type.</summary>
    public static void RotateAll(object[] handles)
    {
        var rotate = typeof(ValueTargets).GetMethod(nameof(Rotate))!;
        for (var i = 0; i < handles.Length; i += 2)
            rotate.MakeGenericMethod(handles[i].GetType().GetGenericArguments()[0]).Invoke(null, [handles[i], handles[i + 1]]);
    }

    public static void Increment(MpValue<int> value, int times)
    {
        var lk = value.GetLock();
        for (var i = 0; i < times; i++)
            using (lk.Hold())
                value.Value += 1;
    }

    public static void IncrementEach(MpArray<long> array, int times)
    {
        for (var i = 0; i < times; i++)
            using (array.GetLock().Hold())
                for (var j = 0; j < array.Length; j++) array[j] += j + 1;
    }

    /// <summary>Reports on <paramref name="result"/> whether the lock could be taken without waiting (1) or not (2).</summary>
    public static void TryLock(MpValue<int> value, MpValue<int> result)
    {
        var lk = value.GetLock();
        var taken = lk.Acquire(block: false);
        if (taken) lk.Release();
        result.Value = taken ? 1 : 2;
    }

    /// <summary><see cref="TryLock"/> with the lock itself passed to the process, as Python allows.</summary>
    public static void TryGivenLock(IMpLock lk, MpValue<int> result)
    {
        var taken = lk.Acquire(block: false);
        if (taken) lk.Release();
        result.Value = taken ? 1 : 2;
    }

    /// <summary>Takes the lock, says so, and waits (for an item that never comes) until it is killed.</summary>
    public static void HoldUntilKilled(MpValue<int> value, MpQueue<string> held, MpQueue<string> never)
    {
        value.GetLock().Acquire();
        value.Value = -1; // half-way through an update
        held.Put("held");
        never.Get();
    }

    public static void WriteSlice(MpArray<int> array) => array[7..] = [70, 80, 90];

    /// <summary>Makes a Value in this process and hands it to the parent; the Value's life ends with this process.</summary>
    public static void CreateAndSend(MpQueue<MpValue<int>> mailbox)
    {
        var value = Mp.Context.Value(41);
        value.Value = 42;
        mailbox.Put(value);
    }

    /// <summary>Makes a Value, tells where its segment is, and waits until it is killed.</summary>
    public static void CreateAndWait(MpQueue<string> paths, MpQueue<string> never)
    {
        paths.Put(Mp.Context.Value(1).Reference.SegmentPath!);
        never.Get();
    }

    public static void CreateOne() => Mp.Context.Value(2);
}
