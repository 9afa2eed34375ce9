package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form an address option accepts or refuses, with the words the user sees. */
class HostPortTest {
  @ParameterizedTest(name = "--server {0} -> {1} port {2}")
  @CsvSource(delimiter = '|', value = {
      "master.example        | master.example | 8140",
      "master.example:9000   | master.example | 9000",
      "  localhost:8140      | localhost      | 8140",
      "127.0.0.1             | 127.0.0.1      | 8140",
      "127.0.0.1:1           | 127.0.0.1      | 1",
      "[::1]:9000            | ::1            | 9000",
      "[::1]                 | ::1            | 8140",
      "::1                   | ::1            | 8140",
      "fe80::1%eth0          | fe80::1%eth0   | 8140",
      "[2001:db8::1]:65535   | 2001:db8::1    | 65535",
      "[::ffff:10.0.0.1]:443 | ::ffff:10.0.0.1 | 443",
      "1:2:3:4:5:6:7:8       | 1:2:3:4:5:6:7:8 | 8140",
  })
  void aMasterAddressReads(String text, String host, int port) {
    assertThat(HostPort.dial(text, "--server", HostPort.MASTER_PORT))
        .isEqualTo(new HostPort(host, port));
  }

  @ParameterizedTest(name = "--server {0} fails: {1}")
  @CsvSource(delimiter = '|', value = {
      "''                  | --server: the address is empty (expected HOST:PORT)",
      "master:99999        | --server: port must be 1-65535, got 99999",
      "master:0            | --server: port must be 1-65535, got 0",
      "master:123456789012 | --server: port must be 1-65535, got 123456789012",
      "master:-1           | --server: the port is not a number in 'master:-1'",
      "host:port           | --server: the port is not a number in 'host:port'",
      "master:             | --server: the port is not a number in 'master:'",
      ":8140               | --server: the host is empty in ':8140'",
      "[::1                | --server: missing ] in '[::1'",
      "[::1]x              | --server: expected [IPV6]:PORT, got '[::1]x'",
      "[master]:8140       | --server: 'master' in brackets is not an IPv6 address",
      "a:b:c               | --server: 'a:b:c' is neither HOST:PORT nor an IPv6 address "
          + "(write IPv6 addresses in brackets: [::1]:8140)",
      "2001:db8::1:8140    | --server: '2001:db8::1:8140' is ambiguous; write [2001:db8::1]:8140 "
          + "for port 8140, or [2001:db8::1:8140] for the address alone",
      "mas ter:8140        | --server: 'mas ter' is not a host name",
  })
  void aBadMasterAddressIsRefusedNamingTheOption(String text, String message) {
    assertThatThrownBy(() -> HostPort.dial(text, "--server", HostPort.MASTER_PORT))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @ParameterizedTest(name = "--listen {0} -> {1} port {2}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1:8140 | 127.0.0.1 | 8140",
      "0.0.0.0        | 0.0.0.0   | 8140",
      "127.0.0.1:0    | 127.0.0.1 | 0",
      "[::]:0         | ::        | 0",
  })
  void aListenAddressMayAskForAnyFreePort(String text, String host, int port) {
    assertThat(HostPort.bind(text, "--listen", HostPort.MASTER_PORT))
        .isEqualTo(new HostPort(host, port));
  }

  @ParameterizedTest(name = "{1} {0} fails: {2}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1       | --metrics-listen | --metrics-listen: the port is missing in "
          + "'127.0.0.1' (expected HOST:PORT)",
      "127.0.0.1:65536 | --listen         | --listen: port must be 0-65535, got 65536",
  })
  void aListenAddressIsCheckedToo(String text, String option, String message) {
    int defaultPort = option.equals("--listen") ? HostPort.MASTER_PORT : HostPort.NO_DEFAULT;
    assertThatThrownBy(() -> HostPort.bind(text, option, defaultPort)).hasMessage(message);
  }

  @ParameterizedTest(name = "{0} prints as {1}")
  @CsvSource(delimiter = '|', value = {
      "master.example | master.example:8140",
      "::1            | [::1]:8140",
      "[::1]:9000     | [::1]:9000",
  })
  void anAddressPrintsInTheFormItIsReadIn(String text, String printed) {
    HostPort address = HostPort.dial(text, "--server", HostPort.MASTER_PORT);
    assertThat(address.toString()).isEqualTo(printed);
    assertThat(HostPort.dial(printed, "--server", HostPort.NO_DEFAULT)).isEqualTo(address);
  }
}
