package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource schema's value rules and required parameters, applied when compiling: a value
 * the agent would refuse is an error at the line that wrote it, not a failure on the node.
 */
class SchemaRulesTest {
  @TempDir Path dir;

  private List<String> errors(String manifest) throws Exception {
    Compiler c = new Code(dir).file("m.groovy", manifest).manifest("m.groovy");
    return Code.errorsOf(() -> c.compile("n1", Code.debian()));
  }

  private Catalog compile(String manifest) throws Exception {
    return new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian());
  }

  @Test
  void badCronFieldsAreRefusedAtTheirLines() throws Exception {
    assertThat(errors("""
        cron('backup') {
          command '/usr/local/bin/backup'
          minute '60'
        }
        cron('report', command: '/bin/true', hour: '*/0', weekday: 'mon-fri')
        cron('rotate', command: '/bin/true', month: 'foo', monthday: '0')
        """)).containsExactly(
        "m.groovy:3: parameter 'minute' of cron[backup] must be a cron minute field: *, 0-59,"
            + " a range a-b, a step */n or a-b/n, or a comma list of these, got '60'",
        "m.groovy:5: parameter 'hour' of cron[report] must be a cron hour field: *, 0-23,"
            + " a range a-b, a step */n or a-b/n, or a comma list of these, got '*/0'",
        "m.groovy:6: parameter 'month' of cron[rotate] must be a cron month field: *, 1-12"
            + " or a name such as jan, a range a-b, a step */n or a-b/n, or a comma list of"
            + " these, got 'foo'",
        "m.groovy:6: parameter 'monthday' of cron[rotate] must be a cron day of month field:"
            + " *, 1-31, a range a-b, a step */n or a-b/n, or a comma list of these, got '0'");
  }

  @Test
  void cronFieldsCronAcceptsCompile() throws Exception {
    Catalog catalog = compile("""
        cron('a', command: '/bin/true', minute: '*/15', hour: '0-6/2', monthday: '1,15,31',
            month: 'jan-mar', weekday: '7')
        cron('b', command: '/bin/true', minute: '0,30', weekday: 'Mon-Fri')
        """);
    assertThat(catalog.getResourcesList()).hasSize(2);
  }

  @Test
  void badUserAndGroupNamesAreRefusedAtTheirLines() throws Exception {
    assertThat(errors("""
        user('Bad Name')
        exec('/bin/true', user: 'Root')
        user('deploy', groups: ['adm', 'no way'])
        group('staff', members: ['ok', '9lives'])
        cron('job', command: '/bin/true', user: 'x y')
        """)).containsExactly(
        "m.groovy:1: user title 'Bad Name' must be a user name such as www-data (lower case,"
            + " at most 32 characters)",
        "m.groovy:2: parameter 'user' of exec[/bin/true] must be a user name such as www-data"
            + " (lower case, at most 32 characters), got 'Root'",
        "m.groovy:3: parameter 'groups' of user[deploy] must be a group name such as adm"
            + " (lower case, at most 32 characters), got 'no way'",
        "m.groovy:4: parameter 'members' of group[staff] must be a user name such as www-data"
            + " (lower case, at most 32 characters), got '9lives'",
        "m.groovy:5: parameter 'user' of cron[job] must be a user name such as www-data"
            + " (lower case, at most 32 characters), got 'x y'");
  }

  @Test
  void aModeTheAgentCannotSetIsRefusedWhenCompiled() throws Exception {
    assertThat(errors("""
        file('/usr/local/bin/tool', content: 'x', mode: '4755')
        file('/etc/b') {
          mode 'u+rwx'
        }
        """)).containsExactly(
        "m.groovy:1: parameter 'mode' of file[/usr/local/bin/tool] must be an octal string of"
            + " 3 or 4 digits, e.g. '0644' (setuid, setgid and sticky bits are not supported),"
            + " got '4755'",
        "m.groovy:3: parameter 'mode' of file[/etc/b] must be an octal string of 3 or 4"
            + " digits, e.g. '0644' (setuid, setgid and sticky bits are not supported), got"
            + " 'u+rwx'");
  }

  @Test
  void requiredParametersAreNamedAtTheDeclaration() throws Exception {
    assertThat(errors("""
        ssh_key('laptop', user: 'alice')
        cron('job') {
          minute '5'
        }
        host('db.example', aliases: ['db'])
        line('motd', line: 'hello')
        sysctl('net.ipv4.ip_forward', persist: false)
        """)).containsExactly(
        "m.groovy:1: ssh_key[laptop] needs parameter 'key'",
        "m.groovy:2: cron[job] needs parameter 'command' when ensure is 'present'",
        "m.groovy:5: host[db.example] needs parameter 'ip' when ensure is 'present'",
        "m.groovy:6: line[motd] needs parameter 'path'",
        "m.groovy:7: sysctl[net.ipv4.ip_forward] needs parameter 'value'");
  }

  @Test
  void parametersRequiredWhenPresentMayBeLeftOutWhenAbsent() throws Exception {
    Catalog catalog = compile("""
        cron('old-job', ensure: 'absent')
        host('old.example', ensure: 'absent')
        """);
    assertThat(catalog.getResourcesList()).hasSize(2);
  }
}
