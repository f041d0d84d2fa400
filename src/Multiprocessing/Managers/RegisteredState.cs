using System.Reflection;

namespace Multiprocessing.Managers;

/// <summary>
/// The state of a user-registered Manager object (Python's <c>BaseManager.register</c>): the
/// instance itself, whose methods are called by name. It serializes with its instance, so it
/// moves with its shard like any other state.
/// </summary>
internal sealed class RegisteredState(object instance) : ContainerState
{
    public const string Call = "call";

    private readonly object _instance = instance;

    // A user's method may not be deterministic (a clock, a random number): the copy is the whole instance after each call.
    public override bool ReplaysCalls => false;

    protected override IReadOnlyList<byte[]> Invoke(string operation, IReadOnlyList<byte[]> args)
    {
        if (operation != Call) throw Unknown(operation, _instance.GetType().Name);
        var method = MethodSpec.Resolve(Codec.Text(args[0]));
        if (!method.DeclaringType!.IsInstanceOfType(_instance))
            throw new InvalidOperationException($"{method.DeclaringType} is not a type of the registered {_instance.GetType()}.");
        var values = args.Skip(1).Select(Value).ToArray();
        var result = method.Invoke(_instance, values); // TargetInvocationException: its inner exception goes back to the caller
        return method.ReturnType == typeof(void) ? [] : [Bytes(result)];
    }
}

/// <summary>A method as text that travels: declaring type, name and parameter types, all assembly-qualified.</summary>
internal static class MethodSpec
{
    public static string Of(MethodInfo method) =>
        string.Join('\n', [method.DeclaringType!.AssemblyQualifiedName!, method.Name, .. method.GetParameters().Select(p => p.ParameterType.AssemblyQualifiedName!)]);

    public static MethodInfo Resolve(string spec)
    {
        var parts = spec.Split('\n');
        var type = Load(parts[0]);
        var parameters = parts.Skip(2).Select(Load).ToArray();
        return type.GetMethod(parts[1], BindingFlags.Public | BindingFlags.Instance, parameters)
            ?? throw new MissingMethodException(type.FullName, parts[1]);
    }

    private static Type Load(string name) =>
        Type.GetType(name, throwOnError: false) ?? throw new TypeLoadException($"Type {name} is not loaded on this worker node (pass its assembly with --assembly).");
}
