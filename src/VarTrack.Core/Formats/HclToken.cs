namespace VarTrack.Core.Formats;

internal enum HclTokenKind
{
    Identifier,
    Number,
    /// <summary>A quoted string; <see cref="HclToken.Text"/> is the unescaped value, template sequences kept as written.</summary>
    String,
    /// <summary>A heredoc; <see cref="HclToken.Text"/> is its content (indentation already removed for <c>&lt;&lt;-</c>).</summary>
    Heredoc,
    Equals,
    Colon,
    Comma,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    OpenParen,
    CloseParen,
    /// <summary>Any operator of the expression language (<c>+ - * / % ! ? . ... == != &lt; &gt; &lt;= &gt;= &amp;&amp; || =&gt;</c>).</summary>
    Operator,
    Newline,
    EndOfFile,
}

/// <summary>One lexical element; <see cref="Start"/> and <see cref="End"/> are character offsets into the source text.</summary>
internal readonly record struct HclToken(HclTokenKind Kind, int Start, int End, string Text, bool HasTemplate = false);
