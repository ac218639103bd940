using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// Recursive-descent reader for one HCL file. Only literal values are accepted; anything that needs evaluation
/// (references, calls, operators, conditionals, for expressions) is refused with its position.
/// </summary>
internal sealed class HclParser
{
    internal const string ExpressionMessage = "only literal values are supported here; found an expression";

    private readonly SourceText _source;
    private readonly HclLexer _lexer;
    private int _depth;

    public HclParser(SourceText source)
    {
        _source = source;
        _lexer = new HclLexer(source);
    }

    public ConfigMap ParseDocument() => ParseBody(block: null).Build(new SourcePosition(1, 1));

    /// <summary>Reads attributes and blocks up to the end of the file, or up to and including the block's closing brace.</summary>
    private HclBodyBuilder ParseBody(OpenBlock? block)
    {
        var body = new HclBodyBuilder(_source.Path);
        while (true)
        {
            var token = _lexer.Next();
            switch (token.Kind)
            {
                case HclTokenKind.Newline:
                    continue;
                case HclTokenKind.EndOfFile:
                    if (block is not null)
                        throw _lexer.Error(token.Start, $"unclosed '{{' of block '{block.Type}' (opened at {_lexer.PositionOf(block.BraceOffset)})");
                    return body;
                case HclTokenKind.CloseBrace:
                    if (block is null)
                        throw _lexer.Error(token.Start, "unexpected '}' with no block open");
                    return body;
                case HclTokenKind.Identifier:
                    ParseAttributeOrBlock(token, body, insideBlock: block is not null);
                    break;
                default:
                    throw _lexer.Error(token.Start, $"expected an attribute or block name, found {Describe(token)}");
            }
        }
    }

    private void ParseAttributeOrBlock(HclToken name, HclBodyBuilder body, bool insideBlock)
    {
        var namePosition = _lexer.PositionOf(name.Start);
        if (_lexer.Peek().Kind == HclTokenKind.Equals)
        {
            _lexer.Next();
            var first = _lexer.Next();
            if (first.Kind is HclTokenKind.Newline or HclTokenKind.EndOfFile)
                throw _lexer.Error(first.Start, $"missing value after '=' for '{name.Text}'");
            var value = ParseValue(first);
            body.AddAttribute(name.Text, namePosition, value);
            ExpectItemEnd(value.Position, insideBlock, $"the value of '{name.Text}'");
            return;
        }

        var labels = new List<HclLabel>();
        while (_lexer.Peek().Kind is HclTokenKind.String or HclTokenKind.Identifier)
        {
            var label = _lexer.Next();
            if (label.HasTemplate)
                throw _lexer.Error(label.Start, "block labels must be plain strings; found a template sequence");
            labels.Add(new HclLabel(label.Text, _lexer.PositionOf(label.Start)));
        }

        var brace = _lexer.Next();
        if (brace.Kind != HclTokenKind.OpenBrace)
        {
            if (labels.Count == 0)
                throw _lexer.Error(brace.Start, $"missing '=' after '{name.Text}', found {Describe(brace)}");
            if (labels.Count == 1 && brace.Kind is HclTokenKind.Newline or HclTokenKind.EndOfFile)
                throw _lexer.Error(brace.Start, $"missing '=' after '{name.Text}' (or '{{' to open a block)");
            throw _lexer.Error(brace.Start, $"expected '{{' to open block '{name.Text}', found {Describe(brace)}");
        }

        var slot = body.AddBlock(name.Text, namePosition, labels);
        Enter(brace.Start);
        slot.Body = ParseBody(new OpenBlock(name.Text, brace.Start)).Build(namePosition);
        _depth--;
        ExpectItemEnd(null, insideBlock, $"block '{name.Text}'");
    }

    /// <summary>An attribute or block ends at a newline, at the end of the file, or at the closing brace of its block.</summary>
    private void ExpectItemEnd(SourcePosition? valueStart, bool insideBlock, string what)
    {
        var next = _lexer.Peek();
        switch (next.Kind)
        {
            case HclTokenKind.Newline:
                _lexer.Next();
                return;
            case HclTokenKind.EndOfFile:
                return;
            case HclTokenKind.CloseBrace when insideBlock:
                return;
        }
        if (valueStart is { } start && ContinuesExpression(next))
            throw _lexer.Error(start, ExpressionMessage);
        throw _lexer.Error(next.Start, $"expected a newline after {what}, found {Describe(next)}");
    }

    /// <summary>A token that, after a value, would make it part of a larger expression (operator, index, call).</summary>
    private static bool ContinuesExpression(HclToken token) =>
        token.Kind is HclTokenKind.Operator or HclTokenKind.OpenBracket or HclTokenKind.OpenParen;

    private ConfigNode ParseValue(HclToken first)
    {
        var position = _lexer.PositionOf(first.Start);
        ConfigNode value;
        switch (first.Kind)
        {
            case HclTokenKind.String:
            case HclTokenKind.Heredoc:
                value = ConfigScalar.String(first.Text, position);
                break;
            case HclTokenKind.Number:
                value = new ConfigScalar(first.Text, ScalarKind.Number, position);
                break;
            case HclTokenKind.Identifier:
                value = first.Text switch
                {
                    "true" or "false" => new ConfigScalar(first.Text, ScalarKind.Boolean, position),
                    "null" => ConfigScalar.Null(position),
                    _ => throw _lexer.Error(position, ExpressionMessage),
                };
                break;
            case HclTokenKind.Operator when first.Text == "-":
                // A minus sign written right against a number is a negative literal; anything else is arithmetic.
                var number = _lexer.Peek();
                if (number.Kind != HclTokenKind.Number || number.Start != first.End)
                    throw _lexer.Error(position, ExpressionMessage);
                _lexer.Next();
                value = new ConfigScalar("-" + number.Text, ScalarKind.Number, position);
                break;
            case HclTokenKind.Operator when first.Text == "!":
            case HclTokenKind.OpenParen:
                throw _lexer.Error(position, ExpressionMessage);
            case HclTokenKind.OpenBracket:
                value = ParseList(first);
                break;
            case HclTokenKind.OpenBrace:
                value = ParseObject(first);
                break;
            default:
                throw _lexer.Error(position, $"expected a value, found {Describe(first)}");
        }
        if (ContinuesExpression(_lexer.Peek()))
            throw _lexer.Error(position, ExpressionMessage);
        return value;
    }

    private ConfigList ParseList(HclToken open)
    {
        Enter(open.Start);
        var position = _lexer.PositionOf(open.Start);
        var items = new List<ConfigNode>();
        while (true)
        {
            var token = NextSkippingNewlines();
            if (token.Kind == HclTokenKind.CloseBracket) break;
            if (token.Kind == HclTokenKind.EndOfFile) throw UnclosedBracket(token, '[', position);
            var item = ParseValue(token);
            items.Add(item);

            token = NextSkippingNewlines();
            if (token.Kind == HclTokenKind.CloseBracket) break;
            if (token.Kind == HclTokenKind.Comma) continue;
            if (token.Kind == HclTokenKind.EndOfFile) throw UnclosedBracket(token, '[', position);
            if (ContinuesExpression(token)) throw _lexer.Error(item.Position, ExpressionMessage);
            throw _lexer.Error(token.Start, $"expected ',' or ']' in the list opened at {position}, found {Describe(token)}");
        }
        _depth--;
        return new ConfigList(items, position);
    }

    private ConfigMap ParseObject(HclToken open)
    {
        Enter(open.Start);
        var position = _lexer.PositionOf(open.Start);
        var map = new ConfigMap.Builder(position);
        while (true)
        {
            var keyToken = NextSkippingNewlines();
            if (keyToken.Kind == HclTokenKind.CloseBrace) break;
            if (keyToken.Kind == HclTokenKind.EndOfFile) throw UnclosedBracket(keyToken, '{', position);
            var keyPosition = _lexer.PositionOf(keyToken.Start);
            string key;
            switch (keyToken.Kind)
            {
                case HclTokenKind.Identifier:
                    // "{for k, v in ...}" is a for expression, as HCL reads it.
                    if (keyToken.Text == "for" && _lexer.Peek().Kind == HclTokenKind.Identifier)
                        throw _lexer.Error(keyPosition, ExpressionMessage);
                    key = keyToken.Text;
                    break;
                case HclTokenKind.String when !keyToken.HasTemplate:
                case HclTokenKind.Number:
                    key = keyToken.Text;
                    break;
                case HclTokenKind.String:
                case HclTokenKind.OpenParen:
                    throw _lexer.Error(keyPosition, ExpressionMessage);
                default:
                    throw _lexer.Error(keyPosition, $"expected an object key, found {Describe(keyToken)}");
            }

            var separator = _lexer.Next();
            if (separator.Kind is not (HclTokenKind.Equals or HclTokenKind.Colon))
            {
                if (separator.Kind == HclTokenKind.EndOfFile) throw UnclosedBracket(separator, '{', position);
                if (ContinuesExpression(separator)) throw _lexer.Error(keyPosition, ExpressionMessage);
                throw _lexer.Error(separator.Start, $"missing '=' after key '{key}', found {Describe(separator)}");
            }
            if (map.TryGet(key, out var existing))
                throw _lexer.Error(keyPosition, $"duplicate key '{key}' (first defined at {existing.KeyPosition})");

            var valueToken = NextSkippingNewlines();
            if (valueToken.Kind == HclTokenKind.EndOfFile) throw UnclosedBracket(valueToken, '{', position);
            var value = ParseValue(valueToken);
            map.TryAdd(new ConfigEntry(key, keyPosition, value), out _);

            var after = _lexer.Next();
            switch (after.Kind)
            {
                case HclTokenKind.Comma:
                case HclTokenKind.Newline:
                    continue;
                case HclTokenKind.CloseBrace:
                    break;
                case HclTokenKind.EndOfFile:
                    throw UnclosedBracket(after, '{', position);
                default:
                    if (ContinuesExpression(after)) throw _lexer.Error(value.Position, ExpressionMessage);
                    throw _lexer.Error(after.Start, $"expected ',' or a newline or '}}' after the value of key '{key}', found {Describe(after)}");
            }
            break;
        }
        _depth--;
        return map.Build();
    }

    private HclToken NextSkippingNewlines()
    {
        var token = _lexer.Next();
        while (token.Kind == HclTokenKind.Newline) token = _lexer.Next();
        return token;
    }

    private VarTrackException UnclosedBracket(HclToken found, char bracket, SourcePosition opened) =>
        _lexer.Error(found.Start, $"unclosed '{bracket}' (opened at {opened})");

    /// <summary>Counts one more level of blocks, lists or objects so hostile input cannot exhaust the stack.</summary>
    private void Enter(int openOffset)
    {
        if (++_depth > HclFormatParser.MaxNestingDepth)
            throw _lexer.Error(openOffset, $"nesting deeper than {HclFormatParser.MaxNestingDepth} levels");
    }

    private string Describe(HclToken token) => token.Kind switch
    {
        HclTokenKind.Newline => "a newline",
        HclTokenKind.EndOfFile => "the end of the file",
        HclTokenKind.String => "a quoted string",
        HclTokenKind.Heredoc => "a heredoc",
        _ => $"'{_lexer.RawText(token)}'",
    };

    private sealed record OpenBlock(string Type, int BraceOffset);
}
