package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .erb templates: real config files with $ in them render byte for byte. */
class ErbTemplateTest {
  @TempDir Path dir;

  /** Renders modules/m/templates/{@code name} holding {@code template} with {@code call}'s vars. */
  private String render(String name, String template, String vars) throws Exception {
    Code code = new Code(dir).file("modules/m/templates/" + name, template)
        .file("site.groovy", "file('/out') { content template('m/" + name + "'" + vars + ") }\n");
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));
    return CatalogView.of(c.compile("web01", Code.debian())).resource("file[/out]").resource()
        .getParametersOrThrow("content").getStringValue();
  }

  private List<String> errors(String name, String template, String vars) throws Exception {
    Code code = new Code(dir).file("modules/m/templates/" + name, template)
        .file("site.groovy", "\nfile('/out') { content template('m/" + name + "'" + vars + ") }\n");
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));
    return Code.errorsOf(() -> c.compile("web01", Code.debian()));
  }

  @Test
  void nginxVariablesArePlainText() throws Exception {
    String template = """
        # Managed by Stead for <%= node %>
        upstream app {
        <% backends.each { b -> -%>
            server <%= b %>:8080;
        <% } -%>
        }
        server {
            listen 80;
            server_name <%= names.join(' ') %>;
            location / {
                proxy_set_header Host $host;
                proxy_set_header X-Real-IP $remote_addr;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_pass http://app;
            }
            log_format main '$remote_addr - $remote_user [$time_local] "$request"';
        }
        """;
    assertThat(render("nginx.conf.erb", template,
        ", backends: ['10.0.0.1', '10.0.0.2'], names: ['shop.example.com', 'www.example.com']"))
        .isEqualTo("""
            # Managed by Stead for web01
            upstream app {
                server 10.0.0.1:8080;
                server 10.0.0.2:8080;
            }
            server {
                listen 80;
                server_name shop.example.com www.example.com;
                location / {
                    proxy_set_header Host $host;
                    proxy_set_header X-Real-IP $remote_addr;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_pass http://app;
                }
                log_format main '$remote_addr - $remote_user [$time_local] "$request"';
            }
            """);
  }

  @Test
  void shellAndAwkScriptsKeepTheirDollarsBackslashesAndBraces() throws Exception {
    String template = """
        #!/bin/sh
        # <%# a comment that prints nothing %>rotate logs of <%= app %>
        set -eu
        dir="${1:-/var/log/<%= app %>}"
        echo "home is $HOME, args: $@ ($#)"
        for f in "$dir"/*.log; do
          printf '%s\\n' "$f"
        done
        df -P | awk '{print $1, $5}' | awk -F'\\t' 'NR > 1 { total += $2 } END { print total }'
        echo '<%% not a tag %>' \\
          "${PATH}"
        """;
    assertThat(render("rotate.sh.erb", template, ", app: 'shop'")).isEqualTo("""
        #!/bin/sh
        # rotate logs of shop
        set -eu
        dir="${1:-/var/log/shop}"
        echo "home is $HOME, args: $@ ($#)"
        for f in "$dir"/*.log; do
          printf '%s\\n' "$f"
        done
        df -P | awk '{print $1, $5}' | awk -F'\\t' 'NR > 1 { total += $2 } END { print total }'
        echo '<% not a tag %>' \\
          "${PATH}"
        """);
  }

  @Test
  void theRenderedScriptRunsUnderTheRealShellAndAwk() throws Exception {
    String template = """
        #!/bin/sh
        # <%= app %>: sums the second column of the file named by $1
        greeting="hello from ${HOME:+home}"
        awk -v label='<%= label %>' '{ total += $2 } END { print label, total, NR }' "$1"
        echo "$greeting"
        """;
    String script = render("sum.sh.erb", template, ", app: 'sum', label: 'total'");
    Path file = dir.resolve("sum.sh");
    Path data = dir.resolve("data.txt");
    java.nio.file.Files.writeString(file, script);
    java.nio.file.Files.writeString(data, "a 1\nb 2\nc 39\n");
    Process p = new ProcessBuilder("/bin/sh", file.toString(), data.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).isEqualTo("total 42 3\nhello from home\n");
  }

  @Test
  void systemdUnitWithConditionsAndTrimming() throws Exception {
    String template = """
        [Unit]
        Description=<%= description %>
        After=network-online.target

        [Service]
        ExecStart=/usr/bin/<%= app %> --port ${PORT} --workers <%= workers %>
        Environment=PORT=<%= port %>
        <% if (user) { -%>
        User=<%= user %>
        <% } -%>
        <% env.each { k, v -> -%>
        Environment=<%= k %>=<%= v %>
        <% } -%>
            <%- if (false) { %>never<% } -%>
        Restart=on-failure

        [Install]
        WantedBy=multi-user.target
        """;
    String rendered = render("app.service.erb", template, ", description: 'Shop API', app:"
        + " 'shop', workers: 4, port: 8081, user: 'shop', env: [LANG: 'C.UTF-8', TZ: 'UTC']");
    assertThat(rendered).isEqualTo("""
        [Unit]
        Description=Shop API
        After=network-online.target

        [Service]
        ExecStart=/usr/bin/shop --port ${PORT} --workers 4
        Environment=PORT=8081
        User=shop
        Environment=LANG=C.UTF-8
        Environment=TZ=UTC
        Restart=on-failure

        [Install]
        WantedBy=multi-user.target
        """);
  }

  @Test
  void aNullValueNamesTheTagAndTheTemplatesLine() throws Exception {
    assertThat(errors("t.erb", "a\nb\nport = <%= settings.port %>\n",
        ", settings: [host: 'x']")).containsExactly(
        "m/templates/t.erb:3: <%= settings.port %> is null: pass a value, or write"
            + " <%= settings.port ?: '' %> to print nothing (template('m/t.erb') at site.groovy:2)");
  }

  @Test
  void textAndValuesInsideNestedBlocksRenderInOrder() throws Exception {
    assertThat(render("t.erb", """
        <% groups.each { name, hosts -> -%>
        [<%= name %>]
        <% hosts.eachWithIndex { h, i -> %><%= i %>=<%= h %> <% } %>
        <% } -%>
        """, ", groups: [web: ['a', 'b'], db: ['c']]"))
        .isEqualTo("[web]\n0=a 1=b \n[db]\n0=c \n");
  }

  @Test
  void aNullValueInsideABlockNamesTheTagAndTheTemplatesLine() throws Exception {
    assertThat(errors("t.erb", "a\n<% servers.each { s -> %>\nserver <%= s.port %>\n<% } %>\n",
        ", servers: [[port: 1], [host: 'x']]")).containsExactly(
        "m/templates/t.erb:3: <%= s.port %> is null: pass a value, or write"
            + " <%= s.port ?: '' %> to print nothing (template('m/t.erb') at site.groovy:2)");
  }

  @Test
  void aTemplatesOwnOutputMethodIsTheOneCalledInsideBlocks() throws Exception {
    // Groovy picks the script's more specific overload; the short cut must not go past it.
    assertThat(render("t.erb", """
        <% void __emit(int tag, Integer value) { super.__emit(tag, value * 10) } -%>
        <% xs.each { x -> %>x=<%= x %>;<% } %>
        """, ", xs: [1, 2]")).isEqualTo("x=10;x=20;\n");
  }

  @Test
  void readingThroughNullSaysWhatAndWhere() throws Exception {
    assertThat(errors("t.erb", "a\n\n  x = <%= settings.db.host %>\n", ", settings: [:]"))
        .containsExactly("m/templates/t.erb:3: cannot read 'host' in <%= settings.db.host %>:"
            + " what it is read from is null (a variable not passed, or a key missing from a"
            + " map? ?. reads null instead) (template('m/t.erb') at site.groovy:2)");
  }

  @Test
  void aMissingVariableNamesItAndTheLine() throws Exception {
    assertThat(errors("t.erb", "one\n<% if (enabled) { %>two<% } %>\n", "")).containsExactly(
        "m/templates/t.erb:2: no variable 'enabled' in <% if (enabled) { %> (pass it:"
            + " template('m/t.erb', enabled: ...)) (template('m/t.erb') at site.groovy:2)");
  }

  @Test
  void syntaxErrorsAndUnclosedTagsPointIntoTheTemplate() throws Exception {
    assertThat(errors("t.erb", "ok\nok\n<% if (x { %>\n", ", x: 1")).singleElement()
        .asString().startsWith("m/templates/t.erb:3: ");
    assertThat(errors("u.erb", "ok\n<%= x\n", ", x: 1")).containsExactly(
        "m/templates/u.erb:2: this <% is never closed with %> (template('m/u.erb') at"
            + " site.groovy:2)");
  }

  @Test
  void erbTemplatesAreSandboxed() throws Exception {
    assertThat(errors("t.erb", "\nhome: <%= System.getenv('HOME') %>\n", ""))
        .singleElement().asString()
        .startsWith("m/templates/t.erb:2: sandbox: use of java.lang.System");
  }

  @Test
  void oldStyleTemplatesStillRenderWithADeprecationWarning() throws Exception {
    Code code = new Code(dir).file("modules/m/templates/motd.tpl", "hello ${who}\n")
        .file("site.groovy", "file('/out') { content template('m/motd.tpl', who: 'you') }\n");
    var catalog = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules"))).compile("web01", Code.debian());
    CatalogView.of(catalog).resource("file[/out]").hasParameter("content", "hello you\n");
    assertThat(catalog.getCompileMessagesList()).singleElement().asString()
        .startsWith("warning: site.groovy:1: template m/motd.tpl uses the old syntax")
        .contains("rename it to motd.erb");
  }
}
