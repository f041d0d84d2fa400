using System.CommandLine;
using System.CommandLine.Parsing;

namespace Multiprocessing.Coordinator;

/// <summary>Validation shared by the commands' options and arguments, so a bad value is refused naming it.</summary>
internal static class CommandLineRules
{
    public static Option<int?> AtLeast(Option<int?> option, int minimum)
    {
        option.Validators.Add(result => Check(result, option.Name, minimum));
        return option;
    }

    public static Argument<int> AtLeast(Argument<int> argument, int minimum)
    {
        argument.Validators.Add(result => Check(result, argument.Name, minimum));
        return argument;
    }

    // Reads the token itself: a value that is not a number is the parser's error, reported already.
    private static void Check(SymbolResult result, string name, int minimum)
    {
        if (result.Tokens is [var token] && int.TryParse(token.Value, out var value) && value < minimum)
            result.AddError($"{name} must be {minimum} or more, not {value}.");
    }
}
