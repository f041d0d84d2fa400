using System.Globalization;
using System.Text;

namespace Multiprocessing.Runtime;

/// <summary>
/// A strict reading of HOCON text before Akka parses it. Akka.NET's parser makes something of
/// almost any text: an unclosed brace, <c>}}}} ]]] = = =</c>, a key without a value, <c>a = 1 = 2</c>,
/// <c>workers = [1,</c>, an unclosed string, stray bytes. This follows the HOCON grammar (objects with
/// or without root braces, <c>=</c>/<c>:</c>/<c>{</c> after a key, lists, quoted and triple-quoted strings,
/// substitutions, value concatenation, <c>#</c> and <c>//</c> comments, fields separated by new lines or
/// commas) and throws <see cref="MpConfigurationException"/> at the first thing that is not HOCON, naming
/// the source, line, column and key. It also tells on which line each key is set, so that a value of the
/// wrong kind can be located too. <c>include</c> and <c>+=</c> are refused: Akka.NET's parser does not
/// support them (it fails or makes a key named "a +").
/// </summary>
internal sealed class HoconSyntax
{
    private const string NotUnquoted = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string _text;
    private readonly string _source;
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);
    private int _position;

    private HoconSyntax(string text, string source)
    {
        _text = text;
        _source = source;
    }

    /// <summary>Checks <paramref name="text"/> from <paramref name="source"/>; returns the line each key (full dotted path) is last set on.</summary>
    public static IReadOnlyDictionary<string, int> Check(string text, string source)
    {
        var syntax = new HoconSyntax(text, source);
        syntax.CheckCharacters();
        syntax.Root();
        return syntax._lines;
    }

    private bool AtEnd => _position >= _text.Length;

    private char Peek => AtEnd ? '\0' : _text[_position];

    private bool At(string token) => string.CompareOrdinal(_text, _position, token, 0, token.Length) == 0;

    private void CheckCharacters()
    {
        for (var i = 0; i < _text.Length; i++)
        {
            var c = _text[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\v' or '\f'))
            {
                _position = i;
                throw Error($"a control character (0x{(int)c:X2}) cannot appear in HOCON: is this a text file?");
            }
        }
    }

    private void Root()
    {
        SkipBlank();
        if (Peek == '[') throw Error("expected settings (key = value), found a list");
        if (Peek == '{')
        {
            var opened = _position;
            _position++;
            ObjectBody("", opened);
            _position++; // the '}' ObjectBody stopped at
            SkipBlank();
            if (!AtEnd) throw Error($"expected the end of the file after the block that closes the root, found {Describe()}");
            return;
        }
        ObjectBody("", opened: null);
    }

    // Fields until the '}' of a block opened at `opened` (left unread), or until the end of the text at the root.
    private void ObjectBody(string path, int? opened)
    {
        while (true)
        {
            SkipBlank();
            if (AtEnd)
            {
                if (opened is { } at) throw ErrorAt(_position, $"the block {Name(path)} opened at line {LineOf(at)} is not closed: expected '}}'");
                return;
            }
            if (Peek == '}')
            {
                if (opened is not null) return;
                throw Error("unexpected '}': no block is open here");
            }
            var key = Field(path);
            SkipSpacesAndComments();
            if (Peek == ',') _position++;
            else if (!(AtEnd || Peek is '\n' or '}'))
                throw Error($"expected a new line or ',' after the value of '{key}', found {Describe()}");
        }
    }

    private string Field(string path)
    {
        if (At("include") && _position + 7 < _text.Length && (char.IsWhiteSpace(_text[_position + 7]) || _text[_position + 7] == '"'))
            throw Error("'include' is not supported: put the settings in this file");
        var start = _position;
        var key = Key();
        var full = path.Length == 0 ? key : path + "." + key;
        _lines[full] = LineOf(start);
        SkipSpaces();
        if (At("+=")) throw Error($"'+=' is not supported (after '{full}'): write the whole value");
        if (Peek is '=' or ':')
        {
            _position++;
            SkipSpacesAndComments(); // a value starts on its key's line (a block or list may go on over the next ones)
        }
        else if (Peek != '{')
        {
            throw Error($"expected '=', ':' or '{{' after the key '{full}', found {Describe()}");
        }
        Value(full);
        return full;
    }

    // A path expression: segments (unquoted or quoted; unquoted ones may hold spaces) joined by '.'.
    private string Key()
    {
        var segments = new List<string>();
        var segment = new StringBuilder();
        var hasSegment = false;
        while (!AtEnd)
        {
            var c = Peek;
            if (c == '"')
            {
                if (At("\"\"\"")) throw Error("a key cannot be a triple-quoted string");
                segment.Append(QuotedString());
                hasSegment = true;
            }
            else if (c == '.')
            {
                if (!hasSegment) throw Error("a key has an empty part (two dots, or a dot at its start)");
                segments.Add(segment.ToString());
                segment.Clear();
                hasSegment = false;
                _position++;
            }
            else if (IsUnquoted(c))
            {
                while (!AtEnd && IsUnquoted(Peek) && Peek != '.') segment.Append(_text[_position++]);
                hasSegment = true;
            }
            else if (c is ' ' or '\t' && hasSegment)
            {
                // Spaces inside a key belong to it only when more of the key follows.
                var before = _position;
                SkipSpaces();
                if (AtEnd || !(IsUnquoted(Peek) || Peek == '"'))
                {
                    _position = before;
                    break;
                }
                segment.Append(_text, before, _position - before);
            }
            else
            {
                break;
            }
        }
        if (!hasSegment)
            throw segments.Count == 0 ? Error($"expected a key, found {Describe()}") : Error("a key ends with a dot");
        segments.Add(segment.ToString());
        return string.Join('.', segments);
    }

    // One value: simple values, blocks, lists and substitutions, concatenated while they follow on the same line.
    private void Value(string key)
    {
        var first = true;
        while (true)
        {
            var c = Peek;
            if (c == '{')
            {
                var opened = _position++;
                ObjectBody(key, opened);
                _position++;
            }
            else if (c == '[') List(key);
            else if (c == '"') QuotedString();
            else if (c == '$') Substitution();
            else if (IsUnquoted(c))
            {
                while (!AtEnd && IsUnquoted(Peek)) _position++;
            }
            else if (first) throw Error($"expected a value for '{key}', found {Describe()}");
            else return;
            first = false;
            var before = _position;
            SkipSpaces();
            if (AtEnd || !(Peek is '{' or '[' or '"' or '$' || IsUnquoted(Peek)))
            {
                _position = before;
                return;
            }
        }
    }

    private void List(string key)
    {
        var opened = _position++;
        while (true)
        {
            SkipBlank();
            if (AtEnd) throw ErrorAt(_position, $"the list of '{key}' opened at line {LineOf(opened)} is not closed: expected ']'");
            if (Peek == ']')
            {
                _position++;
                return;
            }
            if (Peek == ',') throw Error($"an empty element in the list of '{key}' (two commas)");
            Value(key);
            SkipSpacesAndComments();
            if (Peek == ',') _position++;
            else if (!(AtEnd || Peek is '\n' or ']'))
                throw Error($"expected ',' or ']' in the list of '{key}', found {Describe()}");
        }
    }

    private string QuotedString()
    {
        var opened = _position;
        if (At("\"\"\""))
        {
            var close = _text.IndexOf("\"\"\"", _position + 3, StringComparison.Ordinal);
            if (close < 0) throw ErrorAt(opened, "a triple-quoted string is not closed: expected \"\"\"");
            _position = close + 3;
            while (Peek == '"') _position++; // extra quotes before the closing three belong to the string
            return _text[(opened + 3)..(_position - 3)];
        }
        var value = new StringBuilder();
        _position++;
        while (true)
        {
            if (AtEnd || Peek == '\n') throw ErrorAt(opened, "a string is not closed on its line: expected '\"'");
            var c = _text[_position++];
            if (c == '"') return value.ToString();
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            var escaped = Peek;
            _position++;
            switch (escaped)
            {
                case '"' or '\\' or '/': value.Append(escaped); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'u' when _position + 4 <= _text.Length
                              && int.TryParse(_text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    _position += 4;
                    break;
                default:
                    _position -= 2;
                    throw Error("an unknown escape in a string (use \\\\ for a backslash)");
            }
        }
    }

    private void Substitution()
    {
        var opened = _position;
        if (!At("${")) throw Error("'$' starts a substitution ${path}: quote a value that contains it");
        _position += 2;
        if (Peek == '?') _position++;
        Key();
        if (Peek != '}') throw ErrorAt(opened, "a substitution is not closed: expected '}'");
        _position++;
    }

    private bool IsUnquoted(char c) =>
        !AtEnd && !char.IsWhiteSpace(c) && !NotUnquoted.Contains(c) && !(c == '/' && At("//"));

    private void SkipSpaces()
    {
        while (!AtEnd && Peek != '\n' && (char.IsWhiteSpace(Peek) || Peek == '\uFEFF')) _position++;
    }

    private void SkipSpacesAndComments()
    {
        SkipSpaces();
        if (Peek == '#' || At("//"))
            while (!AtEnd && Peek != '\n') _position++;
    }

    // Spaces, comments and new lines.
    private void SkipBlank()
    {
        while (true)
        {
            SkipSpacesAndComments();
            if (Peek != '\n') return;
            _position++;
        }
    }

    private string Describe() => AtEnd ? "the end of the text" : Peek == '\n' ? "the end of the line" : $"'{Peek}'";

    private static string Name(string path) => path.Length == 0 ? "at the root" : $"'{path}'";

    private int LineOf(int position) => 1 + _text.AsSpan(0, Math.Min(position, _text.Length)).Count('\n');

    private MpConfigurationException Error(string what) => ErrorAt(_position, what);

    private MpConfigurationException ErrorAt(int position, string what)
    {
        var lineStart = position == 0 ? 0 : _text.LastIndexOf('\n', Math.Min(position, _text.Length) - 1) + 1;
        return new MpConfigurationException($"{_source}:{LineOf(position)}:{position - lineStart + 1}: {what}.");
    }
}
