using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class HclFormatParserTests
{
    private const string File = "config/app.hcl";
    private const string Expression = "only literal values are supported here; found an expression";

    private static ConfigMap Parse(string text) =>
        Assert.IsType<ConfigMap>(new HclFormatParser().Parse(SourceText.FromString(File, text)));

    private static Problem Fails(string text, int line, int column, string message)
    {
        var problem = ParserAssert.FailsAt(new HclFormatParser(), File, text, line, column);
        Assert.Equal(message, problem.Message);
        return problem;
    }

    private static ConfigMap Map(ConfigNode? node) => Assert.IsType<ConfigMap>(node);

    private static ConfigList List(ConfigNode? node) => Assert.IsType<ConfigList>(node);

    private static ConfigScalar Scalar(ConfigNode? node, string? text, ScalarKind kind) => ParserAssert.IsScalar(node, text, kind);

    // ---------- literal values ----------

    [Fact]
    public void Format_is_hcl() => Assert.Equal(ConfigFormat.Hcl, new HclFormatParser().Format);

    [Fact]
    public void Empty_file_and_comment_only_file_give_an_empty_map()
    {
        Assert.Equal(0, Parse("").Count);
        Assert.Equal(0, Parse("# nothing\n// here\n/* at\nall */\n").Count);
    }

    [Fact]
    public void Attributes_of_every_literal_kind_keep_their_text_kind_and_position()
    {
        var root = Parse("""
            name     = "api"
            empty    = ""
            price    = 1.50
            big      = 1e3
            mode     = 0755
            exp      = 2.5E-3
            huge     = 123456789012345678901234567890
            enabled  = true
            disabled = false
            nothing  = null
            neg      = -1
            negf     = -1.5
            my-key   = "dash"
            """);
        Assert.Equal(["name", "empty", "price", "big", "mode", "exp", "huge", "enabled", "disabled", "nothing", "neg", "negf", "my-key"],
            root.Entries.Select(e => e.Key));
        Assert.Equal(new SourcePosition(1, 12), Scalar(root["name"], "api", ScalarKind.String).Position);
        Scalar(root["empty"], "", ScalarKind.String);
        Scalar(root["price"], "1.50", ScalarKind.Number);
        Scalar(root["big"], "1e3", ScalarKind.Number);
        Scalar(root["mode"], "0755", ScalarKind.Number);
        Scalar(root["exp"], "2.5E-3", ScalarKind.Number);
        Scalar(root["huge"], "123456789012345678901234567890", ScalarKind.Number);
        Scalar(root["enabled"], "true", ScalarKind.Boolean);
        Scalar(root["disabled"], "false", ScalarKind.Boolean);
        Assert.True(Scalar(root["nothing"], null, ScalarKind.Null).IsNull);
        Assert.Equal(new SourcePosition(11, 12), Scalar(root["neg"], "-1", ScalarKind.Number).Position);
        Scalar(root["negf"], "-1.5", ScalarKind.Number);
        Scalar(root["my-key"], "dash", ScalarKind.String);
        Assert.True(root.TryGetEntry("price", out var entry));
        Assert.Equal(new SourcePosition(3, 1), entry.KeyPosition);
    }

    [Fact]
    public void String_escapes_are_decoded()
    {
        var root = Parse("""
            s = "a\nb\r\tc \"q\" \\ \u00e9 \U0001F600 end"
            """);
        Scalar(root["s"], "a\nb\r\tc \"q\" \\ é 😀 end", ScalarKind.String);
    }

    [Fact]
    public void Templates_are_kept_as_written_and_only_backslash_escapes_outside_them_are_decoded()
    {
        var root = Parse("""
            url    = "https://${var.host}:${var.port}/api"
            dir    = "%{ if var.prod }prod%{ else }dev%{ endif }"
            nested = "\t${ lookup(var.m, "k}\"", "${x}") }!"
            dollar = "cost: $${price} and %%{ not a directive }"
            plain  = "100% of $ money"
            multi  = "${
              var.a
            }"
            """);
        Scalar(root["url"], "https://${var.host}:${var.port}/api", ScalarKind.String);
        Scalar(root["dir"], "%{ if var.prod }prod%{ else }dev%{ endif }", ScalarKind.String);
        Scalar(root["nested"], "\t${ lookup(var.m, \"k}\\\"\", \"${x}\") }!", ScalarKind.String);
        Scalar(root["dollar"], "cost: $${price} and %%{ not a directive }", ScalarKind.String);
        Scalar(root["plain"], "100% of $ money", ScalarKind.String);
        Scalar(root["multi"], "${\n  var.a\n}", ScalarKind.String);
    }

    [Fact]
    public void Unicode_in_names_strings_and_labels()
    {
        var root = Parse("naïve = \"日本語 ✓ 😀\"\nпорт = 8080\nservice \"café\" { größe = \"xl\" }\n");
        Scalar(root["naïve"], "日本語 ✓ 😀", ScalarKind.String);
        Scalar(root["порт"], "8080", ScalarKind.Number);
        Scalar(Map(Map(root["service"])["café"])["größe"], "xl", ScalarKind.String);
    }

    // ---------- blocks ----------

    [Fact]
    public void Unlabelled_and_nested_blocks_become_maps()
    {
        var root = Parse("""
            db {
              host = "localhost"
              pool {
                min = 1
                max = 10
              }
            }
            """);
        var db = Map(root["db"]);
        Assert.Equal(new SourcePosition(1, 1), db.Position);
        Scalar(db["host"], "localhost", ScalarKind.String);
        var pool = Map(db["pool"]);
        Scalar(pool["min"], "1", ScalarKind.Number);
        Scalar(pool["max"], "10", ScalarKind.Number);
    }

    [Fact]
    public void Blocks_with_one_and_two_labels_nest_by_label()
    {
        var root = Parse("""
            resource "aws_instance" "web" {
              ami = "ami-123"
            }
            provider aws {
              region = "eu-west-1"
            }
            """);
        var resource = Map(root["resource"]);
        var web = Map(Map(resource["aws_instance"])["web"]);
        Scalar(web["ami"], "ami-123", ScalarKind.String);
        Assert.True(Map(resource["aws_instance"]).TryGetEntry("web", out var webEntry));
        Assert.Equal(new SourcePosition(1, 25), webEntry.KeyPosition);
        Scalar(Map(Map(root["provider"])["aws"])["region"], "eu-west-1", ScalarKind.String);
    }

    [Fact]
    public void Blocks_of_one_type_with_different_labels_merge_under_the_type()
    {
        var root = Parse("""
            service "a" { port = 1 }
            other = 2
            service "b" { port = 2 }
            resource "aws_instance" "web" { size = "s" }
            resource "aws_instance" "db" { size = "m" }
            resource "aws_s3_bucket" "logs" { acl = "private" }
            """);
        Assert.Equal(["service", "other", "resource"], root.Entries.Select(e => e.Key));
        var service = Map(root["service"]);
        Assert.Equal(["a", "b"], service.Entries.Select(e => e.Key));
        Scalar(Map(service["b"])["port"], "2", ScalarKind.Number);
        var resource = Map(root["resource"]);
        Assert.Equal(["aws_instance", "aws_s3_bucket"], resource.Entries.Select(e => e.Key));
        Assert.Equal(["web", "db"], Map(resource["aws_instance"]).Entries.Select(e => e.Key));
        Scalar(Map(Map(resource["aws_s3_bucket"])["logs"])["acl"], "private", ScalarKind.String);
    }

    [Fact]
    public void Repeated_unlabelled_blocks_become_a_list_in_order()
    {
        var root = Parse("""
            ingress {
              port = 80
            }
            ingress {
              port = 443
            }
            egress {
              port = 0
            }
            """);
        var ingress = List(root["ingress"]);
        Assert.Equal(2, ingress.Items.Count);
        Scalar(Map(ingress.Items[0])["port"], "80", ScalarKind.Number);
        Scalar(Map(ingress.Items[1])["port"], "443", ScalarKind.Number);
        Assert.Equal(new SourcePosition(4, 1), ingress.Items[1].Position);
        Scalar(Map(root["egress"])["port"], "0", ScalarKind.Number);
    }

    [Fact]
    public void One_line_and_empty_blocks()
    {
        var root = Parse("a { b = 1 }\nempty {}\nlabelled \"x\" {}\nouter { inner { c = \"d\" } }\n");
        Scalar(Map(root["a"])["b"], "1", ScalarKind.Number);
        Assert.Equal(0, Map(root["empty"]).Count);
        Assert.Equal(0, Map(Map(root["labelled"])["x"]).Count);
        Scalar(Map(Map(root["outer"])["inner"])["c"], "d", ScalarKind.String);
    }

    // ---------- lists and objects ----------

    [Fact]
    public void Lists_nest_allow_newlines_and_trailing_commas()
    {
        var root = Parse("""
            ports = [80, 443,]
            empty = []
            matrix = [
              [1, 2],
              ["a", true, null],
              { k = "v" },
            ]
            """);
        var ports = List(root["ports"]);
        Assert.Equal(new SourcePosition(1, 9), ports.Position);
        Assert.Equal(["80", "443"], ports.Items.Select(i => ((ConfigScalar)i).Text));
        Assert.Empty(List(root["empty"]).Items);
        var matrix = List(root["matrix"]);
        Assert.Equal(3, matrix.Items.Count);
        Assert.Equal(["1", "2"], List(matrix.Items[0]).Items.Select(i => ((ConfigScalar)i).Text));
        var mixed = List(matrix.Items[1]);
        Scalar(mixed.Items[1], "true", ScalarKind.Boolean);
        Scalar(mixed.Items[2], null, ScalarKind.Null);
        Scalar(Map(matrix.Items[2])["k"], "v", ScalarKind.String);
    }

    [Fact]
    public void Objects_take_commas_or_newlines_equals_or_colons_and_quoted_keys()
    {
        var root = Parse("""
            tags = { env = "prod", "team name": "core", 42 = "answer" }
            limits = {
              cpu    = 500
              memory = 256,
              nested = {
                deep = [1]
              }
            }
            none = {}
            """);
        var tags = Map(root["tags"]);
        Assert.Equal(["env", "team name", "42"], tags.Entries.Select(e => e.Key));
        Scalar(tags["team name"], "core", ScalarKind.String);
        Assert.True(tags.TryGetEntry("team name", out var quoted));
        Assert.Equal(new SourcePosition(1, 24), quoted.KeyPosition);
        var limits = Map(root["limits"]);
        Scalar(limits["memory"], "256", ScalarKind.Number);
        Scalar(List(Map(limits["nested"])["deep"]).Items[0], "1", ScalarKind.Number);
        Assert.Equal(0, Map(root["none"]).Count);
    }

    // ---------- heredocs ----------

    [Fact]
    public void Heredoc_keeps_lines_indentation_and_the_last_newline()
    {
        var root = Parse("script = <<EOF\n  echo \"${var.x}\" \\n\n\n    done\n  EOF\nafter = 1\n");
        var script = Scalar(root["script"], "  echo \"${var.x}\" \\n\n\n    done\n", ScalarKind.String);
        Assert.Equal(new SourcePosition(1, 10), script.Position);
        Scalar(root["after"], "1", ScalarKind.Number);
    }

    [Fact]
    public void Indented_heredoc_strips_the_common_indentation_of_non_blank_lines()
    {
        var root = Parse("block {\n  text = <<-EOT\n    first\n      second\n\n    third\n    EOT\n}\n");
        Scalar(Map(root["block"])["text"], "first\n  second\n\nthird\n", ScalarKind.String);
    }

    [Fact]
    public void Heredoc_edge_cases_empty_crlf_in_a_list_and_marker_inside_a_line()
    {
        var root = Parse("empty = <<EOF\nEOF\ncrlf = <<EOF\r\na\r\nEOF\r\nlist = [<<A\nx\nA\n, \"y\"]\nnot_end = <<EOT\n  NOT EOT\nEOT\n");
        Scalar(root["empty"], "", ScalarKind.String);
        Scalar(root["crlf"], "a\r\n", ScalarKind.String);
        Assert.Equal(["x\n", "y"], List(root["list"]).Items.Select(i => ((ConfigScalar)i).Text));
        Scalar(root["not_end"], "  NOT EOT\n", ScalarKind.String);
    }

    // ---------- comments ----------

    [Fact]
    public void Comments_of_all_three_kinds_are_ignored_but_not_inside_strings()
    {
        var root = Parse("""
            # hash comment
            a = 1 # trailing
            // slash comment
            b = 2 // trailing
            /* block
               comment */ c = /* inline */ 3
            d = "# not // a /* comment */"
            e = [1, /* two */ 2, # three
              3]
            """);
        Scalar(root["a"], "1", ScalarKind.Number);
        Scalar(root["b"], "2", ScalarKind.Number);
        Scalar(root["c"], "3", ScalarKind.Number);
        Scalar(root["d"], "# not // a /* comment */", ScalarKind.String);
        Assert.Equal(["1", "2", "3"], List(root["e"]).Items.Select(i => ((ConfigScalar)i).Text));
    }

    // ---------- realistic files ----------

    [Fact]
    public void Terraform_like_file()
    {
        var root = Parse("""
            terraform {
              required_version = ">= 1.6"
              backend "s3" {
                bucket = "state-bucket"
                key    = "prod/terraform.tfstate"
              }
            }

            variable "region" {
              type    = "string"
              default = "eu-west-1"
            }

            resource "aws_security_group" "web" {
              name = "web-${var.env}"

              ingress {
                from_port   = 443
                to_port     = 443
                cidr_blocks = ["0.0.0.0/0"]
              }
              ingress {
                from_port   = 80
                to_port     = 80
                cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16"]
              }

              tags = {
                Name        = "web"
                Environment = "prod"
              }
            }

            resource "aws_instance" "web" {
              ami           = "ami-0abcdef"
              instance_type = "t3.micro"
              user_data     = <<-EOF
                #!/bin/bash
                echo "hello" > /tmp/x
              EOF
            }
            """);
        Scalar(Map(Map(Map(root["terraform"])["backend"])["s3"])["bucket"], "state-bucket", ScalarKind.String);
        Scalar(Map(Map(root["variable"])["region"])["default"], "eu-west-1", ScalarKind.String);
        var resource = Map(root["resource"]);
        var sg = Map(Map(resource["aws_security_group"])["web"]);
        Scalar(sg["name"], "web-${var.env}", ScalarKind.String);
        var ingress = List(sg["ingress"]);
        Scalar(List(Map(ingress.Items[1])["cidr_blocks"]).Items[1], "192.168.0.0/16", ScalarKind.String);
        Scalar(Map(sg["tags"])["Environment"], "prod", ScalarKind.String);
        var instance = Map(Map(resource["aws_instance"])["web"]);
        Scalar(instance["user_data"], "#!/bin/bash\necho \"hello\" > /tmp/x\n", ScalarKind.String);
    }

    [Fact]
    public void Nomad_and_consul_like_file()
    {
        var root = Parse("""
            datacenter = "dc1"
            data_dir   = "/opt/consul"
            ports {
              grpc  = 8502
              https = -1
            }
            acl {
              enabled        = true
              default_policy = "deny"
              tokens {
                agent = "${AGENT_TOKEN}"
              }
            }

            job "api" {
              datacenters = ["dc1", "dc2"]
              type        = "service"

              group "web" {
                count = 3

                network {
                  port "http" { to = 8080 }
                  port "metrics" { static = 9102 }
                }

                task "server" {
                  driver = "docker"
                  config {
                    image = "registry.local/api:1.4.0"
                    args  = ["--listen", ":8080"]
                  }
                  env {
                    LOG_LEVEL = "info"
                    RATIO     = 0.75
                  }
                  template {
                    data        = <<EOH
            DB_URL={{ key "db/url" }}
            EOH
                    destination = "secrets/app.env"
                  }
                  resources {
                    cpu    = 500
                    memory = 256
                  }
                }
              }
            }
            """);
        Scalar(Map(root["ports"])["https"], "-1", ScalarKind.Number);
        Scalar(Map(Map(root["acl"])["tokens"])["agent"], "${AGENT_TOKEN}", ScalarKind.String);
        var group = Map(Map(Map(Map(root["job"])["api"])["group"])["web"]);
        Scalar(group["count"], "3", ScalarKind.Number);
        var ports = Map(Map(group["network"])["port"]);
        Assert.Equal(["http", "metrics"], ports.Entries.Select(e => e.Key));
        Scalar(Map(ports["metrics"])["static"], "9102", ScalarKind.Number);
        var task = Map(Map(group["task"])["server"]);
        Scalar(List(Map(task["config"])["args"]).Items[1], ":8080", ScalarKind.String);
        Scalar(Map(task["env"])["RATIO"], "0.75", ScalarKind.Number);
        Scalar(Map(task["template"])["data"], "DB_URL={{ key \"db/url\" }}\n", ScalarKind.String);
    }

    // ---------- structural errors ----------

    [Fact]
    public void Duplicate_attribute_names_both_positions() =>
        Fails("a = 1\nb = 2\n  a = 3\n", 3, 3, "duplicate attribute 'a' (first defined at 1:1)");

    [Fact]
    public void Duplicate_attribute_inside_a_block() =>
        Fails("db {\n  host = \"a\"\n  host = \"b\"\n}\n", 3, 3, "duplicate attribute 'host' (first defined at 2:3)");

    [Fact]
    public void Labelled_block_with_the_same_labels_twice_names_both_positions() =>
        Fails("resource \"a\" \"b\" {}\nresource \"a\" \"c\" {}\nresource \"a\" \"b\" { x = 1 }\n", 3, 1,
            "duplicate block resource \"a\" \"b\" (first defined at 1:1)");

    [Fact]
    public void Attribute_and_block_with_the_same_name_conflict_in_either_order()
    {
        Fails("db = 1\ndb {\n}\n", 2, 1, "block 'db' conflicts with attribute 'db' (defined at 1:1)");
        Fails("db {\n}\ndb = 1\n", 3, 1, "attribute 'db' conflicts with block 'db' (defined at 1:1)");
    }

    [Fact]
    public void Block_type_with_and_without_labels_conflicts()
    {
        Fails("svc {}\nsvc \"a\" {}\n", 2, 1, "block 'svc' is written both with and without labels (first at 1:1)");
        Fails("svc \"a\" {}\nsvc {}\n", 2, 1, "block 'svc' is written both with and without labels (first at 1:1)");
    }

    [Fact]
    public void Blocks_of_one_type_with_overlapping_label_counts_conflict()
    {
        Fails("r \"a\" {}\nr \"a\" \"b\" {}\n", 2, 1,
            "block r \"a\" \"b\" overlaps block r \"a\" (defined at 1:1); blocks of one type need the same number of labels");
        Fails("r \"a\" \"b\" {}\nr \"a\" {}\n", 2, 1,
            "block r \"a\" overlaps a 'r' block with more labels (defined at 1:1); blocks of one type need the same number of labels");
    }

    [Fact]
    public void Duplicate_object_key_names_both_positions()
    {
        Fails("m = {\n  a = 1\n  \"a\" = 2\n}\n", 3, 3, "duplicate key 'a' (first defined at 2:3)");
        Fails("m = { a = 1, a: 2 }", 1, 14, "duplicate key 'a' (first defined at 1:7)");
    }

    // ---------- lexical errors ----------

    [Fact]
    public void Unterminated_string_names_where_it_opened() =>
        Fails("a = 1\nb = \"abc", 2, 9, "unterminated string, missing closing '\"' (opened at 2:5)");

    [Fact]
    public void Newline_inside_a_quoted_string_is_an_error()
    {
        Fails("a = \"abc\nb = 1\n", 1, 9, "newline inside a quoted string (opened at 1:5); use \\n or a heredoc");
        Fails("a = \"abc\r\nb = 1\r\n", 1, 9, "newline inside a quoted string (opened at 1:5); use \\n or a heredoc");
        Fails("a = \"abc\\\nb\"\n", 1, 10, "newline inside a quoted string (opened at 1:5); use \\n or a heredoc");
    }

    [Fact]
    public void Invalid_escapes_are_errors()
    {
        Fails("a = \"x\\qy\"", 1, 7, "invalid escape sequence '\\q' (valid: \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN)");
        Fails("a = \"\\u12\"", 1, 6, "invalid escape sequence: '\\u' needs 4 hexadecimal digits");
        Fails("a = \"\\uD800\"", 1, 6, "invalid escape sequence '\\uD800': not a unicode character");
        Fails("a = \"\\U00110000\"", 1, 6, "invalid escape sequence '\\U00110000': not a unicode character");
    }

    [Fact]
    public void Unterminated_template_sequence_names_where_it_opened() =>
        Fails("a = \"x ${var.y\nb = 1\n", 3, 1, "unterminated template sequence '${', missing '}' (opened at 1:8)");

    [Fact]
    public void Unterminated_heredoc_names_the_marker_and_where_it_opened()
    {
        Fails("a = 1\ntext = <<EOF\nline\n EOFX\n", 5, 1, "unterminated heredoc, missing closing marker 'EOF' (opened at 2:8)");
        Fails("text = <<-END", 1, 14, "unterminated heredoc, missing closing marker 'END' (opened at 1:8)");
    }

    [Fact]
    public void Malformed_heredoc_openers_are_errors()
    {
        Fails("text = <<EOF trailing\nEOF\n", 1, 14, "heredoc marker 'EOF' must be followed by a newline");
        Fails("text = << EOF\nEOF\n", 1, 10, "expected a heredoc marker right after '<<' (like <<EOF or <<-EOF)");
    }

    [Fact]
    public void Unterminated_block_comment_names_where_it_opened() =>
        Fails("a = 1\n  /* never\nclosed\n", 4, 1, "unterminated comment, missing '*/' (opened at 2:3)");

    [Fact]
    public void Unexpected_characters_are_errors()
    {
        Fails("a = 'x'", 1, 5, "single quotes do not make a string in HCL; use double quotes");
        Fails("a = 1\n@b = 2", 2, 1, "unexpected character '@'");
        Fails("a = 1;\n", 1, 6, "unexpected character ';'");
        Fails("a = \u00a01\n", 1, 5, "unexpected character U+00A0");
    }

    // ---------- syntax errors ----------

    [Fact]
    public void Unclosed_braces_and_brackets_name_where_they_opened()
    {
        Fails("db {\n  host = \"x\"\n", 3, 1, "unclosed '{' of block 'db' (opened at 1:4)");
        Fails("ports = [80,\n  443\n", 3, 1, "unclosed '[' (opened at 1:9)");
        Fails("tags = {\n  a = 1\n", 3, 1, "unclosed '{' (opened at 1:8)");
        Fails("tags = { a", 1, 11, "unclosed '{' (opened at 1:8)");
    }

    [Fact]
    public void Missing_equals_is_reported_at_the_token_found()
    {
        Fails("port 8080\n", 1, 6, "missing '=' after 'port', found '8080'");
        Fails("name \"api\"\n", 1, 11, "missing '=' after 'name' (or '{' to open a block)");
        Fails("name: \"api\"\n", 1, 5, "missing '=' after 'name', found ':'");
        Fails("name\n", 1, 5, "missing '=' after 'name', found a newline");
        Fails("m = { a 1 }", 1, 9, "missing '=' after key 'a', found '1'");
    }

    [Fact]
    public void Unexpected_tokens_are_errors()
    {
        Fails("a = 1 2\n", 1, 7, "expected a newline after the value of 'a', found '2'");
        Fails("= 1\n", 1, 1, "expected an attribute or block name, found '='");
        Fails("\"a\" = 1\n", 1, 1, "expected an attribute or block name, found a quoted string");
        Fails("a = 1\n}\n", 2, 1, "unexpected '}' with no block open");
        Fails("a = ,\n", 1, 5, "expected a value, found ','");
        Fails("a =\nb = 1\n", 1, 4, "missing value after '=' for 'a'");
        Fails("a = [1 \"b\"]\n", 1, 8, "expected ',' or ']' in the list opened at 1:5, found a quoted string");
        Fails("a = { b = 1 c = 2 }\n", 1, 13, "expected ',' or a newline or '}' after the value of key 'b', found 'c'");
        Fails("a = [,]\n", 1, 6, "expected a value, found ','");
        Fails("a = { [1] = 2 }\n", 1, 7, "expected an object key, found '['");
        Fails("b \"x\" \"y\"\n", 1, 10, "expected '{' to open block 'b', found a newline");
        Fails("b \"${x}\" {}\n", 1, 3, "block labels must be plain strings; found a template sequence");
        Fails("a { b = 1 } c = 2\n", 1, 13, "expected a newline after block 'a', found 'c'");
        Fails("a { b = 1 c = 2 }\n", 1, 11, "expected a newline after the value of 'b', found 'c'");
    }

    [Theory]
    [InlineData("a = var.region", 1, 5)]
    [InlineData("a = upper(\"x\")", 1, 5)]
    [InlineData("a = 1 + 2", 1, 5)]
    [InlineData("a = \"x\" == \"y\"", 1, 5)]
    [InlineData("a = true ? 1 : 2", 1, 5)]
    [InlineData("a = [for s in var.list : upper(s)]", 1, 6)]
    [InlineData("a = {for k, v in var.map : k => v}", 1, 6)]
    [InlineData("a = -var.x", 1, 5)]
    [InlineData("a = - 1", 1, 5)]
    [InlineData("a = !true", 1, 5)]
    [InlineData("a = (1)", 1, 5)]
    [InlineData("a = [1, 2][0]", 1, 5)]
    [InlineData("a = [1, x]", 1, 9)]
    [InlineData("a = [1\n - 2]", 1, 6)]
    [InlineData("a = { k = 1 * 2 }", 1, 11)]
    [InlineData("a = { \"${k}\" = 1 }", 1, 7)]
    [InlineData("a = { (k) = 1 }", 1, 7)]
    [InlineData("a = { k.x = 1 }", 1, 7)]
    [InlineData("a = local.list[*].id", 1, 5)]
    [InlineData("a = 1.5.x", 1, 5)]
    public void Expressions_are_refused_with_their_position(string text, int line, int column) =>
        Fails(text, line, column, Expression);

    // ---------- limits ----------

    [Fact]
    public void Nesting_is_capped_for_lists_objects_and_blocks()
    {
        Fails("a = " + new string('[', 10_000), 1, 4 + 257, "nesting deeper than 256 levels");
        Fails("a = " + string.Concat(Enumerable.Repeat("{b=", 300)), 1, 5 + 256 * 3, "nesting deeper than 256 levels");
        Fails(string.Concat(Enumerable.Repeat("b {\n", 300)), 257, 3, "nesting deeper than 256 levels");
    }

    [Fact]
    public void Nesting_up_to_the_cap_is_accepted()
    {
        var root = Parse("a = " + new string('[', 256) + new string(']', 256));
        var node = root["a"];
        for (var i = 0; i < 255; i++) node = Assert.Single(List(node).Items);
        Assert.Empty(List(node).Items);
    }

    [Fact]
    public void Template_nesting_is_capped()
    {
        var text = "a = \"" + string.Concat(Enumerable.Repeat("${\"", 300));
        var ex = Assert.Throws<VarTrackException>(() => Parse(text));
        Assert.Equal("template sequences nested deeper than 256 levels", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void Arbitrary_text_ends_in_a_value_or_a_positioned_error()
    {
        string[] pieces =
        [
            "a", "b-c", " ", "\n", "=", ":", ",", "{", "}", "[", "]", "(", ")", "\"", "\"x\"", "\\", "${", "%{", "$${",
            "<<EOF\n", "<<-EOF\n", "EOF\n", "#", "//", "/*", "*/", "1", "-", "1.5", "true", "null", "'", "é", "😀", ".",
        ];
        var random = new Random(1234);
        for (var round = 0; round < 3000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => pieces[random.Next(pieces.Length)]));
            try
            {
                Parse(text);
            }
            catch (VarTrackException ex)
            {
                var problem = Assert.Single(ex.Problems);
                Assert.True(problem.Position.IsKnown, $"no position for: {text}");
                Assert.Equal(File, problem.File);
            }
        }
    }
}
