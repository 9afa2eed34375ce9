package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCredentials;
import dev.stead.master.storage.postgres.PostgresLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** agent.conf/master.conf: command line > environment > file > default, and bad files. */
class SettingsTest {
  @TempDir Path dir;

  @Test
  void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path conf = Files.writeString(dir.resolve("agent.conf"), """
        # a comment
        server = file.example:8140
        interval = 10m
        noop = true

        certname = from-file.test
        """);
    Settings settings = new Settings("agent", conf,
        Map.of("STEAD_AGENT_SERVER", "env.example:9000", "STEAD_AGENT_NOOP", "false"));
    AgentCommand.Run run = new AgentCommand.Run();
    CommandLine line = settings.install(new CommandLine(run));
    line.parseArgs("--interval", "20s");

    assertThat(run.interval).isEqualTo(Duration.ofSeconds(20));       // command line
    assertThat(run.server).isEqualTo("env.example:9000");             // environment
    assertThat(run.noop).isFalse();                                   // environment
    assertThat(run.certname).isEqualTo("from-file.test");             // file
    assertThat(run.resourceTimeout).isEqualTo(Duration.ofSeconds(300)); // default
    assertThat(run.state).isEqualTo(Defaults.AGENT_STATE);            // default

    var spec = line.getCommandSpec();
    assertThat(settings.source(spec.findOption("--server"))).isEqualTo("environment STEAD_AGENT_SERVER");
    assertThat(settings.source(spec.findOption("--certname"))).isEqualTo(conf + ":6");
    assertThat(settings.source(spec.findOption("--resource-timeout"))).isNull();
  }

  @Test
  void aListOfMastersComesFromTheFileInItsOrder() throws Exception {
    Path conf = Files.writeString(dir.resolve("agent.conf"),
        "server = a.example:8140, b.example:9140,c.example\n");
    AgentCommand.Run run = new AgentCommand.Run();
    new Settings("agent", conf, Map.of()).install(new CommandLine(run)).parseArgs();

    var masters = dev.stead.agent.client.MasterList.parse(run.server);
    assertThat(masters.addresses()).extracting(Object::toString)
        .containsExactly("a.example:8140", "b.example:9140", "c.example:8140");
    Path twice = Files.writeString(dir.resolve("twice.conf"), "server = a:1,a:1\n");
    AgentCommand.Run bad = new AgentCommand.Run();
    new Settings("agent", twice, Map.of()).install(new CommandLine(bad)).parseArgs();
    assertThatThrownBy(() -> dev.stead.agent.client.MasterList.parse(bad.server))
        .hasMessageContaining("names a master twice");
  }

  @Test
  void masterSettingsComeFromTheFileToo() throws Exception {
    Path conf = Files.writeString(dir.resolve("master.conf"), """
        listen = 0.0.0.0:8140
        tls12 = true
        modulepath = /a:/b
        """);
    Settings settings = new Settings("master", conf, Map.of("STEAD_MASTER_DATA", "/srv/stead"));
    MasterCommand.Start start = new MasterCommand.Start();
    settings.install(new CommandLine(start)).parseArgs();

    assertThat(start.listen).isEqualTo("0.0.0.0:8140");
    assertThat(start.tls12).isTrue();
    assertThat(start.modulePath).containsExactly(Path.of("/a"), Path.of("/b"));
    assertThat(start.data).isEqualTo(Path.of("/srv/stead"));
    assertThat(start.code).isEqualTo(Defaults.CODE);
  }

  @Test
  void codeDeployWritesWhereTheMasterReadsItsCode() throws Exception {
    Path conf = Files.writeString(dir.resolve("master.conf"), """
        listen = 0.0.0.0:8140
        code = /srv/stead-code
        """);
    CodeCommand.Deploy fromFile = deploy(new Settings("master", conf, Map.of()));
    assertThat(fromFile.codeDirectory()).isEqualTo(Path.of("/srv/stead-code"));

    CodeCommand.Deploy fromEnvironment = deploy(new Settings("master", conf,
        Map.of("STEAD_MASTER_CODE", "/opt/code")));
    assertThat(fromEnvironment.codeDirectory()).isEqualTo(Path.of("/opt/code"));

    CodeCommand.Deploy given = deploy(new Settings("master", conf, Map.of()), "--code", "/x");
    assertThat(given.codeDirectory()).isEqualTo(Path.of("/x"));

    CodeCommand.Deploy unset = deploy(new Settings("master", dir.resolve("none.conf"), Map.of()));
    assertThat(unset.codeDirectory()).isEqualTo(Defaults.CODE);
  }

  private static CodeCommand.Deploy deploy(Settings master, String... more) {
    CodeCommand.Deploy deploy = new CodeCommand.Deploy();
    deploy.master = master;
    String[] args = {"--environment", "staging", "--repo", "r", "--branch", "b"};
    String[] all = Stream.concat(Arrays.stream(args),
        Arrays.stream(more)).toArray(String[]::new);
    new CommandLine(deploy).parseArgs(all);
    return deploy;
  }

  @Test
  void theStoreAndItsCredentialsFileComeFromTheFile() throws Exception {
    Path credentials = Files.writeString(dir.resolve("store.credentials"),
        "user = stead\npassword = s3cret\n");
    Files.setPosixFilePermissions(credentials,
        PosixFilePermissions.fromString("rw-------"));
    Path conf = Files.writeString(dir.resolve("master.conf"),
        "store = postgresql://db.example:6543/stead\nstore-credentials = " + credentials + "\n");
    MasterCommand.Start start = new MasterCommand.Start();
    new Settings("master", conf, Map.of()).install(new CommandLine(start)).parseArgs();

    assertThat(start.storeConfig()).isEqualTo(StoreConfig.postgres(
        new PostgresLocation("db.example", 6543, "stead"),
        new PostgresCredentials("stead", "s3cret")));
    MasterCommand.Start byDefault = new MasterCommand.Start();
    new CommandLine(byDefault).parseArgs();
    assertThat(byDefault.storeConfig().describe()).isEqualTo("rocksdb");
    MasterCommand.Start typo = new MasterCommand.Start();
    new CommandLine(typo).parseArgs("--store", "postgres://db/stead");
    assertThatThrownBy(typo::storeConfig)
        .hasMessageContaining("--store postgres://db/stead is neither rocksdb nor");
  }

  @Test
  void anUnknownKeyNamesFileAndLine() throws Exception {
    Path conf = Files.writeString(dir.resolve("agent.conf"), "server = a:1\n\nsevrer = b:2\n");
    Settings settings = new Settings("agent", conf, Map.of());
    CommandLine line = settings.install(new CommandLine(new AgentCommand.Run()));
    assertThatThrownBy(line::parseArgs).hasMessageContaining(conf + ":3: unknown key `sevrer`");
  }

  @Test
  void aFlagTakesTrueOrFalse() throws Exception {
    Path conf = Files.writeString(dir.resolve("agent.conf"), "noop = yes\n");
    Settings settings = new Settings("agent", conf, Map.of());
    CommandLine line = settings.install(new CommandLine(new AgentCommand.Run()));
    assertThatThrownBy(line::parseArgs)
        .hasMessageContaining(conf + ":1: noop takes true or false, not `yes`");
  }

  /** The real command, in its own process: the environment and STEAD_CONFIG_DIR apply. */
  @Test
  void configPrintShowsEachSettingAndItsSource() throws Exception {
    Files.writeString(dir.resolve("agent.conf"), "interval = 2m\n");
    String out = stead(Map.of("STEAD_CONFIG_DIR", dir.toString(),
        "STEAD_AGENT_SERVER", "env.example:8140"), "config", "print", "agent");
    assertThat(out).contains("server = env.example:8140  # environment STEAD_AGENT_SERVER")
        .contains("interval = PT2M  # " + dir.resolve("agent.conf") + ":1")
        .contains("resource-timeout = PT5M  # default");

    Files.writeString(dir.resolve("agent.conf"), "interval = 2m\nbogus = 1\n");
    assertThat(stead(Map.of("STEAD_CONFIG_DIR", dir.toString()), "agent", "run", "--once"))
        .startsWith("stead agent run: " + dir.resolve("agent.conf") + ":2: unknown key `bogus`; known keys: ");
  }

  private static String stead(Map<String, String> environment, String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(StepProcess.command(args))
        .redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out;
  }
}
