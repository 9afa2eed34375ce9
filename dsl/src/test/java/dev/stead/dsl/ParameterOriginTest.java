package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ParameterOrigin;
import dev.stead.proto.v1.Resource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog names the data behind a parameter whose value is exactly one lookup's. */
class ParameterOriginTest {
  @TempDir Path dir;

  private Catalog compile(String site) throws Exception {
    Code code = new Code(dir)
        .file("data/common.yaml", """
            # shared settings
            motd::mode: '0644'
            motd::owner: root
            motd::text: hello
            app::port: '8080'
            """)
        .file("data/nodes/web01.yaml", "motd::mode: '0600'\n")
        .file("modules/app/manifests/app.groovy", """
            klass('app') { String port ->
              file('/etc/app.port', content: port)
            }
            """)
        .file("site.groovy", site);
    return code.environment().compile("web01", Code.debian());
  }

  private static List<ParameterOrigin> origins(Catalog catalog, String title) {
    for (Resource r : catalog.getResourcesList()) {
      if (r.getTitle().equals(title)) {
        return r.getOriginsList();
      }
    }
    throw new AssertionError("no " + title);
  }

  private static ParameterOrigin origin(String parameter, String key, String file, int line) {
    return ParameterOrigin.newBuilder().setParameter(parameter).setKey(key).setFile(file)
        .setLine(line).build();
  }

  @Test
  void aLookupNamesTheKeyAndTheFileAndLineThatWon() throws Exception {
    Catalog catalog = compile("""
        node('default') {
          file('/etc/motd', mode: lookup('motd::mode'), owner: lookup('motd::owner'),
              content: "${lookup('motd::text')}\\n")
        }
        """);
    // The per-node level wins for mode; content is computed from a lookup, so it has no origin.
    assertThat(origins(catalog, "/etc/motd")).containsExactly(
        origin("mode", "motd::mode", "data/nodes/web01.yaml", 1),
        origin("owner", "motd::owner", "data/common.yaml", 3));
  }

  @Test
  void aClassParameterBoundFromDataNamesItsKey() throws Exception {
    Catalog catalog = compile("node('default') { include('app') }\n");
    assertThat(origins(catalog, "/etc/app.port")).containsExactly(
        origin("content", "app::port", "data/common.yaml", 5));
    Catalog typed = compile("node('default') { include('app', port: lookup('motd::text')) }\n");
    assertThat(origins(typed, "/etc/app.port")).containsExactly(
        origin("content", "motd::text", "data/common.yaml", 4));
  }

  @Test
  void aLiteralOrADefaultHasNoOrigin() throws Exception {
    Catalog catalog = compile("""
        node('default') {
          def owner = lookup('motd::owner')
          file('/etc/a', mode: '0644', content: lookup('nothing', default: 'x'), owner: 'root',
              group: owner)
        }
        """);
    // 'root' written in code equals the looked-up 'root' but is not it.
    assertThat(origins(catalog, "/etc/a")).containsExactly(
        origin("group", "motd::owner", "data/common.yaml", 3));
  }
}
