package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.internal.RuntimeWarmup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime readied ahead of a master's first compile covers what such a compile builds
 * itself: checked in a fresh JVM, where a first compile really is the first.
 */
class RuntimeWarmupTest {
  @TempDir Path dir;

  /** Code shaped like the benchmarks' reference code: classes bound from data, loops, ranges,
   * GStrings and a template that print numbers, lists and maps, facts read. */
  private Path referenceShapedCode() {
    return new Code(dir)
        .file("modules/app/manifests/init.groovy", """
            klass('app::service') { List servers, Map settings, int port, String account ->
              def root = "/srv/${facts.os.family.toLowerCase()}"
              file(root) { ensure 'directory'; owner account; mode '0755' }
              (1..3).each { n ->
                file("${root}/conf${n}.conf") {
                  ensure 'file'
                  mode(facts.processors.count > 2 && n == 1 ? '0600' : '0644')
                  content template('app/service.conf.erb', name: "svc-${n}", servers: servers,
                      settings: settings, port: port + n)
                  requires file(root)
                }
              }
              pkg('app') { ensure 'installed' }
              service('app') { ensure 'running'; enable true; requires pkg('app') }
            }
            """)
        .file("modules/app/templates/service.conf.erb", """
            # <%= name %> for <%= facts.networking.fqdn %>
            listen <%= port %>
            <% servers.each { server -> -%>
            server <%= server %>
            <% } -%>
            <% settings.each { key, value -> -%>
            <%= key %> <%= value %>
            <% } -%>
            """)
        .file("data/common.yaml", """
            app::service::servers: [0.pool.ntp.org, 1.pool.ntp.org]
            app::service::settings: {maxpoll: 10, tinker: panic, iburst: true}
            app::service::port: 8000
            app::service::account: svc
            """)
        .file("site.groovy", "node(~/^web/) { include 'app::service' }\n")
        .dir();
  }

  @Test
  void aFirstCompileBuildsNoRuntimeMetaclassTheWarmupLeftOut() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process probe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        RuntimeWarmupProbe.class.getName(), referenceShapedCode().toString())
        .redirectErrorStream(true).start();
    assertThat(probe.waitFor(120, TimeUnit.SECONDS)).as("the probe ended").isTrue();
    String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(probe.exitValue()).as(out).isZero();
    assertThat(out.lines().toList()).as("metaclasses the first compile built itself")
        .isEmpty();
  }

  @Test
  void groovysFormattingHelperIsStillWhereTheWarmupLooksForIt() throws Exception {
    // Named, not referenced: a Groovy upgrade that moved it would make the warm-up a no-op.
    assertThat(Class.forName(RuntimeWarmup.FORMAT_HELPER, false,
        RuntimeWarmup.class.getClassLoader())).isNotNull();
  }
}
