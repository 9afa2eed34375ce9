package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logging module's catalog per data, and its output checked by the real rsyslogd -N1. */
class LoggingModuleTest {
  private static final String FORWARD = "file[/etc/rsyslog.d/60-stead-forward.conf]";

  @TempDir static Path env;
  /** One environment for every test: each node name reads its own data file. */
  static Compiler compiler;

  @BeforeAll
  static void environment() throws Exception {
    node("web01", "logging::server: logs.example.com\n");
    node("custom", """
        logging::server: 192.0.2.50
        logging::port: 6514
        logging::protocol: udp
        logging::selector: 'auth,authpriv.*'
        """);
    node("injected", "logging::server: 'logs.example.com\" port=\"1'\n");
    node("relp", "logging::server: logs.example.com\nlogging::protocol: relp\n");
    node("bigport", "logging::server: logs.example.com\nlogging::port: 70000\n");
    compiler = ModuleFixture.environment(env, "node('default') { include 'logging' }\n");
  }

  private static void node(String name, String yaml) throws Exception {
    Path p = env.resolve("data/nodes/" + name + ".yaml");
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }

  private static CatalogView compile(String node) throws Exception {
    return CatalogView.of(compiler.compile(node, TestFacts.debian().toFacts()));
  }

  @Test
  void forwardsEverythingOverTcpValidatedAndRestartsRsyslog() throws Exception {
    CatalogView c = compile("web01");
    c.resource(FORWARD).hasParameter("content", """
        # Managed by Stead for web01: local changes are reverted.
        # Forward *.* to the central log host. The disk-assisted queue keeps messages
        # (up to 1 GB, in rsyslog's work directory) while the host cannot be reached, and retries
        # for ever.
        *.* action(type="omfwd" target="logs.example.com" port="514" protocol="tcp"
            action.resumeRetryCount="-1" queue.type="LinkedList" queue.filename="stead_forward"
            queue.maxDiskSpace="1g" queue.saveOnShutdown="on")
        """)
        .hasParameter("mode", "0644").hasParameter("owner", "root")
        .hasParameter("validate_cmd", "/usr/sbin/rsyslogd -N1 -f %")
        .notifies("service[rsyslog]").tagged("logging");
    c.resource("pkg[rsyslog]").before(FORWARD);
    c.resource("service[rsyslog]").hasParameter("ensure", "running")
        .hasParameter("enable", true);
    c.hasResourceCount(3);
  }

  @Test
  void portProtocolAndSelectorComeFromData() throws Exception {
    compile("custom").resource(FORWARD).parameterContains("content",
        "auth,authpriv.* action(type=\"omfwd\" target=\"192.0.2.50\" port=\"6514\" protocol=\"udp\"");
  }

  @Test
  void aMissingServerIsAnErrorNamingTheKey() throws Exception {
    assertThatThrownBy(() -> compile("noserver")).hasMessageContaining("logging::server");
  }

  @Test
  void valuesThatWouldBreakTheActionAreRefusedAtTheModulesLine() throws Exception {
    assertThatThrownBy(() -> compile("injected"))
        .hasMessageContaining("logging/manifests/logging.groovy:")
        .hasMessageContaining("is not a host name or address");
    assertThatThrownBy(() -> compile("relp")).hasMessageContaining("logging::protocol 'relp' must be tcp or udp");
    assertThatThrownBy(() -> compile("bigport")).hasMessageContaining("logging::port 70000 is not a port");
  }

  @Test
  void theRenderedDropInPassesTheRealRsyslogCheckAndABrokenOneDoesNot() throws Exception {
    String content = (String) compile("web01").resource(FORWARD).parameter("content");
    Path good = env.resolve("forward.conf");
    Files.writeString(good, content);
    RealTool ok = RealTool.run("/usr/sbin/rsyslogd", "-N1", "-f", good.toString());
    assertThat(ok.exitCode()).as(ok.toString()).isZero();

    Path bad = env.resolve("broken.conf");
    Files.writeString(bad, content.replace("protocol=", "protocl="));
    RealTool refused = RealTool.run("/usr/sbin/rsyslogd", "-N1", "-f", bad.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.output()).contains("protocl");
  }
}
