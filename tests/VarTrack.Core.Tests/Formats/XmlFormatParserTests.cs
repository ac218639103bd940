using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class XmlFormatParserTests
{
    private const string File = "config/app.xml";

    private static ConfigMap Parse(string text) => ParserAssert.ParsesToMap(new XmlFormatParser(), File, text);

    private static ConfigMap Map(ConfigNode? node) => Assert.IsType<ConfigMap>(node);

    private static ConfigScalar Scalar(ConfigNode? node) => Assert.IsType<ConfigScalar>(node);

    private static string? Text(ConfigNode? node)
    {
        var scalar = Scalar(node);
        Assert.Equal(ScalarKind.String, scalar.Kind);
        return scalar.Text;
    }

    /// <summary>The root element's value.</summary>
    private static ConfigNode? Root(string text, string name = "r")
    {
        var map = Parse(text);
        Assert.Equal([name], map.Entries.Select(e => e.Key));
        return map[name];
    }

    private static Problem Fails(string text, int line, int column) =>
        ParserAssert.FailsAt(new XmlFormatParser(), File, text, line, column);

    [Fact]
    public void Format_is_xml() => Assert.Equal(ConfigFormat.Xml, new XmlFormatParser().Format);

    [Fact]
    public void Root_element_is_the_single_top_level_key()
    {
        var map = Parse("<vartrack><db><host>x</host></db></vartrack>");
        Assert.Equal(["vartrack"], map.Entries.Select(e => e.Key));
        var db = Map(Map(map["vartrack"])["db"]);
        Assert.Equal("x", Text(db["host"]));
    }

    [Fact]
    public void Indented_document_ignores_whitespace_between_elements_and_records_positions()
    {
        var map = Parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <!-- a comment -->
            <vartrack>
              <db>
                <host>localhost</host>
                <port>5432</port>
              </db>
            </vartrack>
            """);
        var vartrack = Map(map["vartrack"]);
        Assert.Equal(["db"], vartrack.Entries.Select(e => e.Key));
        var db = Map(vartrack["db"]);
        Assert.Equal(["host", "port"], db.Entries.Select(e => e.Key));
        Assert.Equal("5432", Text(db["port"]));
        Assert.Equal(new SourcePosition(3, 1), map.Entries[0].KeyPosition);
        Assert.Equal(new SourcePosition(5, 5), db.Entries[0].KeyPosition);
        Assert.Equal(new SourcePosition(5, 11), db["host"]!.Position);
    }

    [Fact]
    public void Text_of_a_text_only_element_is_kept_exactly()
    {
        var r = Map(Root("<r><a>  padded  </a><b>\n  multi\n  line\n</b><c>0755</c><d>1.50</d><e>   </e></r>"));
        Assert.Equal("  padded  ", Text(r["a"]));
        Assert.Equal("\n  multi\n  line\n", Text(r["b"]));
        Assert.Equal("0755", Text(r["c"]));
        Assert.Equal("1.50", Text(r["d"]));
        Assert.Equal("   ", Text(r["e"]));
    }

    [Fact]
    public void Entities_character_references_and_cdata_are_text()
    {
        var r = Map(Root("<r><a>&lt;b&gt; &amp; &quot;&apos; &#36;&#x41;</a><b><![CDATA[<raw> & ${X}]]></b><c>x<![CDATA[y]]>z</c></r>"));
        Assert.Equal("<b> & \"' $A", Text(r["a"]));
        Assert.Equal("<raw> & ${X}", Text(r["b"]));
        Assert.Equal("xyz", Text(r["c"]));
    }

    [Fact]
    public void Comments_inside_text_are_dropped()
    {
        Assert.Equal("ab", Text(Map(Root("<r><a>a<!-- c -->b</a></r>"))["a"]));
    }

    [Fact]
    public void Empty_elements_are_empty_strings()
    {
        var r = Map(Root("<r><a/><b></b><c /></r>"));
        Assert.Equal("", Text(r["a"]));
        Assert.Equal("", Text(r["b"]));
        Assert.Equal("", Text(r["c"]));
        Assert.Equal("", Text(Root("<r/>")));
    }

    [Fact]
    public void Attributes_are_keys_with_an_at_sign()
    {
        var db = Map(Map(Root("<r><db host=\"x\" port='5432'/></r>"))["db"]);
        Assert.Equal(["@host", "@port"], db.Entries.Select(e => e.Key));
        Assert.Equal("x", Text(db["@host"]));
        Assert.Equal("5432", Text(db["@port"]));
        Assert.Equal(new SourcePosition(1, 8), db.Entries[0].KeyPosition);
    }

    [Fact]
    public void Attribute_values_keep_entities_decoded_and_empty_values()
    {
        var a = Map(Map(Root("<r><a v=\"&lt;&amp;&gt;\" e=\"\"/></r>"))["a"]);
        Assert.Equal("<&>", Text(a["@v"]));
        Assert.Equal("", Text(a["@e"]));
    }

    [Fact]
    public void Attributes_come_before_child_elements()
    {
        var db = Map(Map(Root("<r><db name=\"main\"><host>h</host></db></r>"))["db"]);
        Assert.Equal(["@name", "host"], db.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Namespace_declarations_are_skipped_and_prefixes_are_kept()
    {
        var map = Parse("<cfg:root xmlns=\"urn:a\" xmlns:cfg=\"urn:cfg\" cfg:mode=\"on\" xml:lang=\"en\"><cfg:item>1</cfg:item><plain>2</plain></cfg:root>");
        var root = Map(map["cfg:root"]);
        Assert.Equal(["@cfg:mode", "@xml:lang", "cfg:item", "plain"], root.Entries.Select(e => e.Key));
        Assert.Equal("on", Text(root["@cfg:mode"]));
        Assert.Equal("1", Text(root["cfg:item"]));
    }

    [Fact]
    public void Text_with_attributes_goes_under_hash_text()
    {
        var a = Map(Map(Root("<r><a unit=\"s\">30</a></r>"))["a"]);
        Assert.Equal(["@unit", "#text"], a.Entries.Select(e => e.Key));
        Assert.Equal("30", Text(a["#text"]));
        Assert.Equal(new SourcePosition(1, 16), a["#text"]!.Position);
    }

    [Fact]
    public void Whitespace_only_text_with_attributes_is_ignored()
    {
        var a = Map(Map(Root("<r><a unit=\"s\">  \n  </a></r>"))["a"]);
        Assert.Equal(["@unit"], a.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Text_beside_child_elements_goes_under_hash_text_and_indentation_is_ignored()
    {
        var a = Map(Map(Root("<r><a>\n  hello <b>1</b>\n  <c>2</c> world\n</a></r>"))["a"]);
        Assert.Equal(["b", "c", "#text"], a.Entries.Select(e => e.Key));
        Assert.Equal("\n  hello  world\n", Text(a["#text"]));
        Assert.Equal("1", Text(a["b"]));
    }

    [Fact]
    public void No_break_space_is_text_not_indentation()
    {
        var a = Map(Map(Root("<r><a x=\"1\">&#160;</a></r>"))["a"]);
        Assert.Equal("\u00a0", Text(a["#text"]));
    }

    [Fact]
    public void Repeated_siblings_become_a_list_in_document_order()
    {
        var r = Map(Root("<r><s>a</s><s>b</s><s/></r>"));
        var list = Assert.IsType<ConfigList>(r["s"]);
        Assert.Equal(["a", "b", ""], list.Items.Select(Text));
        Assert.Equal(new SourcePosition(1, 4), list.Position);
    }

    [Fact]
    public void Repeated_siblings_with_others_between_are_grouped_at_the_first_position()
    {
        var r = Map(Root("<r>\n  <s>a</s>\n  <t>x</t>\n  <s>b</s>\n  <u/>\n  <s>c</s>\n</r>"));
        Assert.Equal(["s", "t", "u"], r.Entries.Select(e => e.Key));
        Assert.Equal(["a", "b", "c"], Assert.IsType<ConfigList>(r["s"]).Items.Select(Text));
        Assert.Equal(new SourcePosition(2, 3), r.Entries[0].KeyPosition);
    }

    [Fact]
    public void Repeated_complex_elements_are_a_list_of_maps()
    {
        var r = Map(Root("<r><server name=\"a\"><port>1</port></server><server name=\"b\"/></r>"));
        var servers = Assert.IsType<ConfigList>(r["server"]);
        Assert.Equal(2, servers.Items.Count);
        Assert.Equal("1", Text(Map(servers.Items[0])["port"]));
        Assert.Equal("b", Text(Map(servers.Items[1])["@name"]));
    }

    [Fact]
    public void Many_distinct_siblings_keep_order_and_grouping()
    {
        var names = Enumerable.Range(0, 20).Select(i => $"k{i}").ToList();
        var doc = "<r>" + string.Concat(names.Select(n => $"<{n}>{n}</{n}>")) + "<k3>again</k3><k17>again</k17></r>";
        var r = Map(Root(doc));
        Assert.Equal(names, r.Entries.Select(e => e.Key));
        Assert.Equal(["k3", "again"], Assert.IsType<ConfigList>(r["k3"]).Items.Select(Text));
        Assert.Equal(["k17", "again"], Assert.IsType<ConfigList>(r["k17"]).Items.Select(Text));
        Assert.Equal("k16", Text(r["k16"]));
    }

    [Fact]
    public void A_single_element_is_not_a_list()
    {
        Assert.IsType<ConfigScalar>(Map(Root("<r><s>a</s></r>"))["s"]);
    }

    [Fact]
    public void Dtd_is_rejected()
    {
        var problem = Fails("<?xml version=\"1.0\"?>\n<!DOCTYPE r>\n<r/>", 2, 1);
        Assert.Equal("DTD and entity declarations are not allowed", problem.Message);
    }

    [Fact]
    public void Billion_laughs_is_rejected_without_expanding()
    {
        const string lol = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>
            <lolz>&lol9;</lolz>
            """;
        var problem = Fails(lol, 2, 1);
        Assert.Equal("DTD and entity declarations are not allowed", problem.Message);
    }

    [Fact]
    public void External_entity_is_rejected_and_never_read()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"vartrack-xxe-{Guid.NewGuid():N}.txt");
        System.IO.File.WriteAllText(secret, "TOP-SECRET-CONTENT");
        try
        {
            var doc = $"<!-- lead comment -->\n<!DOCTYPE r [ <!ENTITY xxe SYSTEM \"{new Uri(secret).AbsoluteUri}\"> ]>\n<r>&xxe;</r>";
            var ex = Assert.Throws<VarTrackException>(() => Parse(doc));
            var problem = Assert.Single(ex.Problems);
            Assert.Equal(new SourcePosition(2, 1), problem.Position);
            Assert.Equal("DTD and entity declarations are not allowed", problem.Message);
            Assert.DoesNotContain("TOP-SECRET", ex.Message);
        }
        finally
        {
            System.IO.File.Delete(secret);
        }
    }

    [Fact]
    public void External_dtd_reference_is_rejected()
    {
        Assert.Equal("DTD and entity declarations are not allowed",
            Fails("<!DOCTYPE r SYSTEM \"http://example.invalid/r.dtd\"><r/>", 1, 1).Message);
    }

    [Fact]
    public void Undeclared_entity_is_an_error_not_an_expansion()
    {
        var problem = Fails("<r>\n  <a>&xxe;</a>\n</r>", 2, 7);
        Assert.Equal("invalid xml: reference to undeclared entity 'xxe'", problem.Message);
    }

    [Fact]
    public void Doctype_text_inside_an_element_is_not_mistaken_for_a_dtd()
    {
        var problem = Fails("<r><a>&lt;!DOCTYPE</a><b></r>", 1, 28);
        Assert.Equal("invalid xml: the 'b' start tag on line 1 position 24 does not match the end tag of 'r'", problem.Message);
    }

    [Fact]
    public void Doctype_text_inside_a_prolog_comment_is_not_mistaken_for_a_dtd()
    {
        var problem = Fails("<!-- <!DOCTYPE r> -->\n<r></s>", 2, 6);
        Assert.Equal("invalid xml: the 'r' start tag on line 2 position 2 does not match the end tag of 's'", problem.Message);
    }

    [Fact]
    public void Unclosed_tag_is_an_error_with_position()
    {
        var problem = Fails("<r>\n  <a>x</a>\n  <b>\n</r>", 4, 3);
        Assert.Equal("invalid xml: the 'b' start tag on line 3 position 4 does not match the end tag of 'r'", problem.Message);
        Assert.DoesNotContain("XmlException", problem.Message);
    }

    [Fact]
    public void Unexpected_end_of_file_is_an_error_with_position()
    {
        var problem = Fails("<r>\n  <a>x</a>\n", 3, 1);
        Assert.StartsWith("invalid xml: unexpected end of file", problem.Message);
        Assert.DoesNotMatch(@"Line \d+, position \d+", problem.Message);
    }

    [Fact]
    public void Empty_document_is_an_error()
    {
        var ex = Assert.Throws<VarTrackException>(() => Parse(""));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(File, problem.File);
        Assert.True(problem.Position.IsKnown);
        Assert.Equal("invalid xml: root element is missing", problem.Message);
    }

    [Theory]
    [InlineData("<r><a x=\"1\" x=\"2\"/></r>", 1, 13)]
    [InlineData("<r/><s/>", 1, 6)]
    [InlineData("<p:r/>", 1, 2)]
    [InlineData("<r>&</r>", 1, 5)]
    [InlineData("<r a=1/>", 1, 6)]
    [InlineData("text", 1, 1)]
    public void Malformed_documents_are_errors_with_positions(string text, int line, int column)
    {
        var problem = Fails(text, line, column);
        Assert.StartsWith("invalid xml: ", problem.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var depth = XmlFormatParser.MaxDepth + 1;
        var doc = string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth));
        var problem = Fails(doc, 1, 3 * XmlFormatParser.MaxDepth + 1);
        Assert.Equal($"elements are nested deeper than {XmlFormatParser.MaxDepth} levels", problem.Message);

        var ok = string.Concat(Enumerable.Repeat("<a>", depth - 1)) + string.Concat(Enumerable.Repeat("</a>", depth - 1));
        Assert.Single(Parse(ok).Entries);
    }
}
