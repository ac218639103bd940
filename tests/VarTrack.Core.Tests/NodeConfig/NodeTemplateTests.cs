using VarTrack.Core.Errors;
using VarTrack.Core.NodeConfig;
using static VarTrack.Core.Tests.NodeConfig.Nodes;

namespace VarTrack.Core.Tests.NodeConfig;

public sealed class NodeTemplateTests
{
    private static readonly NodeRegistration A = Node("node-1", "10.0.0.1", """{"zone": "eu-1", "port": 2380, "tags": ["a", "b"], "db": {"role": "leader"}, "none": null, "on": true}""");
    private static readonly NodeRegistration B = Node("node-2", "fe80::2", """{"zone": "eu-2", "port": 2381, "db": {"role": "follower"}}""");

    private static string Render(string text, NodeRegistration? self = null) => NodeTemplate.Parse(text, "t.tmpl", allowSelf: self is not null).Render(self, [A, B]);

    private static Problem Fails(string text, bool allowSelf = true)
    {
        var ex = Assert.Throws<VarTrackException>(() => NodeTemplate.Parse(text, "tmpl/node.yaml.tmpl", allowSelf).Render(A, [A, B]));
        return Assert.Single(ex.Problems);
    }

    [Fact]
    public void Self_values_and_metadata_render_as_written()
    {
        Assert.Equal("id=node-1 ip=10.0.0.1 zone=eu-1 port=2380 on=true none=[] role=leader tags=[\"a\",\"b\"]",
            Render("id={{ self.identifier }} ip={{self.address}} zone={{ self.metadata.zone }} port={{ self.metadata.port }} on={{ self.metadata.on }} none=[{{ self.metadata.none }}] role={{ self.metadata.db.role }} tags={{ self.metadata.tags }}", A));
    }

    [Fact]
    public void Each_repeats_per_node_with_index_and_separator()
    {
        Assert.Equal("node-1=10.0.0.1:2380,node-2=fe80::2:2381", Render("""{{#each nodes separator=","}}{{ identifier }}={{ address }}:{{ metadata.port }}{{/each}}"""));
        Assert.Equal("0 node-1 (me: node-2)|1 node-2 (me: node-2)|", Render("{{#each nodes}}{{ @index }} {{ identifier }} (me: {{ self.identifier }})|{{/each}}", B));
    }

    [Fact]
    public void Block_tags_alone_on_their_line_leave_no_blank_lines()
    {
        var text = "peers:\n  {{#each nodes}}\n  - {{ address }}\n  {{/each}}\nend\n";
        Assert.Equal("peers:\n  - 10.0.0.1\n  - fe80::2\nend\n", Render(text));
        Assert.Equal("a\r\n- node-1\r\n- node-2\r\n", Render("a\r\n{{#each nodes}}\r\n- {{ identifier }}\r\n{{/each}}\r\n"));
        Assert.Equal("x node-1node-2 y", Render("x {{#each nodes}}{{ identifier }}{{/each}} y"));
    }

    [Fact]
    public void Escaped_braces_are_literal()
    {
        Assert.Equal("{{ self.identifier }} node-1 { } }}", Render("\\{{ self.identifier }} {{ self.identifier }} { } }}", A));
    }

    [Fact]
    public void Unknown_names_are_errors_at_their_position()
    {
        var problem = Fails("a: 1\nb: {{ self.ip }}\n");
        Assert.Equal("tmpl/node.yaml.tmpl:2:4: unknown name 'self.ip'; known names: self.identifier, self.address, self.metadata.KEY, {{#each nodes}}", problem.ToString());

        Assert.Equal("tmpl/node.yaml.tmpl:1:1: unknown name 'identifier' (outside {{#each nodes}} write 'self.identifier'); known names: self.identifier, self.address, self.metadata.KEY, {{#each nodes}}",
            Fails("{{ identifier }}").ToString());
        Assert.Equal("tmpl/node.yaml.tmpl:1:16: unknown name 'nodes.count'; known names: self.identifier, self.address, self.metadata.KEY, identifier, address, metadata.KEY, @index",
            Fails("{{#each nodes}}\n{{ nodes.count }}{{/each}}".Replace("\n", "")).ToString());
    }

    [Fact]
    public void Malformed_templates_are_errors_with_positions()
    {
        Assert.Equal("3:4", Fails("a\nb\nc: {{ self.identifier\n").Position.ToString());
        Assert.Contains("is not closed with '}}'", Fails("{{ self.address").Message, StringComparison.Ordinal);
        Assert.Equal("tmpl/node.yaml.tmpl:2:1: {{#each nodes}} is never closed with {{/each}}", Fails("x\n{{#each nodes}}\n{{ identifier }}\n").ToString());
        Assert.Equal("tmpl/node.yaml.tmpl:1:1: {{/each}} without an open {{#each nodes}}", Fails("{{/each}}").ToString());
        Assert.Equal("tmpl/node.yaml.tmpl:1:16: {{#each}} cannot be nested (the block opened at 1:1 is still open)", Fails("{{#each nodes}}{{#each nodes}}{{/each}}{{/each}}").ToString());
        Assert.Contains("unknown block '{{#if x}}'", Fails("{{#if x}}").Message, StringComparison.Ordinal);
        Assert.Contains("empty tag", Fails("a {{ }}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_is_refused_in_shared_files()
    {
        var problem = Fails("{{#each nodes}}{{ identifier }}{{/each}} by {{ self.identifier }}", allowSelf: false);
        Assert.Equal("tmpl/node.yaml.tmpl:1:45: 'self.identifier' is not available in a shared file (there is no single node to be self); known names: {{#each nodes}}", problem.ToString());
    }

    [Fact]
    public void Metadata_a_node_lacks_is_an_error_naming_the_node_and_position()
    {
        var template = NodeTemplate.Parse("{{#each nodes}}\n{{ identifier }} {{ metadata.tags }}\n{{/each}}", "peers.tmpl", allowSelf: false);
        var ex = Assert.Throws<VarTrackException>(() => template.Render(null, [A, B]));
        Assert.Equal("peers.tmpl:2:18: node 'node-2' has no metadata 'tags' (used as 'metadata.tags')", Assert.Single(ex.Problems).ToString());
    }
}
