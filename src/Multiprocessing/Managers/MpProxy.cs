using System.Linq.Expressions;
using System.Reflection;
using Multiprocessing.Managers;
using Multiprocessing.Shared;
using Multiprocessing.Runtime;

namespace Multiprocessing;

/// <summary>
/// A proxy of a user-registered Manager object (Python's <c>BaseManager.register</c>): the
/// instance lives in the Manager, calls travel as (method, arguments) and run there one at a
/// time, in order: <c>counter.Call(c =&gt; c.Add(5))</c>. Arguments are evaluated here; the
/// method's exception is rethrown here as the same kind.
/// </summary>
public sealed class MpProxy<T> where T : class
{
    private readonly ObjectChannel _channel;

    internal MpProxy(SharedObjectAddress address) => _channel = new ObjectChannel(address);

    public TResult Call<TResult>(Expression<Func<T, TResult>> call) => Blocking.Wait(() => CallAsync(call));

    public void Call(Expression<Action<T>> call) => Blocking.Wait(() => CallAsync(call));

    public async Task<TResult> CallAsync<TResult>(Expression<Func<T, TResult>> call, CancellationToken cancellationToken = default) =>
        _channel.Value<TResult>((await _channel.CallAsync(RegisteredState.Call, Request(call.Body), cancellationToken))[0]);

    public Task CallAsync(Expression<Action<T>> call, CancellationToken cancellationToken = default) =>
        _channel.CallAsync(RegisteredState.Call, Request(call.Body), cancellationToken);

    private byte[][] Request(Expression body)
    {
        if (body is not MethodCallExpression { Object: ParameterExpression } method)
            throw new ArgumentException("A registered object is called as x => x.Method(arguments).", nameof(body));
        return [Codec.Text(MethodSpec.Of(method.Method)), .. method.Arguments.Select(a => _channel.Bytes(Evaluate(a)))];
    }

    private static object? Evaluate(Expression argument) => argument switch
    {
        ConstantExpression constant => constant.Value,
        MemberExpression { Expression: ConstantExpression closure, Member: FieldInfo field } => field.GetValue(closure.Value),
        _ => Expression.Lambda(argument).Compile().DynamicInvoke(),
    };
}
