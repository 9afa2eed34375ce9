package dev.stead.master.rpc;

import dev.stead.wire.SingleKeyManager;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.ManagerFactoryParameters;

/**
 * Which TLS implementation serves the master's port. BoringSSL (Netty's native provider,
 * shipped with the master) when it loads on this machine, because handshakes and record
 * encryption cost the master a fraction of the JDK's CPU; the JDK's TLS otherwise. The
 * policy (protocols, suites, client certificates, their verification) is the same with
 * either: only the implementation differs.
 *
 * <p>An operator chooses with the system property {@value #PROPERTY} or the environment
 * variable {@value #ENVIRONMENT}: {@code jdk} forces the JDK's TLS (for a platform where the
 * native one misbehaves), {@code native} insists on BoringSSL and refuses to start without
 * it, {@code auto} (the default) picks BoringSSL when available. The property wins over the
 * variable. Immutable.
 *
 * @param provider the Netty provider to build the server context with
 * @param description what serves TLS and why, for the start-up log line
 */
public record ServerTlsProvider(SslProvider provider, String description) {
  public static final String PROPERTY = "stead.tls.provider";
  public static final String ENVIRONMENT = "STEAD_TLS_PROVIDER";

  /** The choice for this process, from {@value #PROPERTY} or {@value #ENVIRONMENT}. */
  public static ServerTlsProvider fromEnvironment() {
    OperatorSetting setting = OperatorSetting.read(PROPERTY, ENVIRONMENT);
    return choose(setting.value(), setting.source());
  }

  /**
   * @param setting {@code auto}, {@code jdk} or {@code native}, in any case
   * @param source where the setting came from, named in errors and the log line
   * @throws IllegalArgumentException for another setting, or {@code native} when BoringSSL
   *     does not load here (the message carries the reason)
   */
  static ServerTlsProvider choose(String setting, String source) {
    return switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "jdk" -> jdk("forced by " + source);
      case "native" -> {
        if (!nativeAvailable()) {
          throw new IllegalArgumentException(source + "=native but BoringSSL does not load: "
              + unavailability());
        }
        yield boringSsl("required by " + source);
      }
      case "auto" -> nativeAvailable() ? boringSsl("available")
          : jdk("BoringSSL does not load: " + unavailability());
      default -> throw new IllegalArgumentException(source + "=" + setting
          + " is not a TLS provider: use auto, jdk or native");
    };
  }

  /**
   * A server context builder presenting {@code key} and {@code certificate} (the key handed
   * over as it is, not through a password-protected store). BoringSSL takes the key material
   * once and keeps it for every handshake, as it does for a key given through Netty's store.
   */
  public SslContextBuilder serverBuilder(PrivateKey key, X509Certificate certificate) {
    SingleKeyManager manager = new SingleKeyManager(key, certificate);
    if (!isNative()) {
      return SslContextBuilder.forServer(manager);
    }
    return SslContextBuilder.forServer(new OpenSslCachingX509KeyManagerFactory(
        new SimpleKeyManagerFactory() {
          @Override
          protected void engineInit(KeyStore keyStore, char[] password) {}

          @Override
          protected void engineInit(ManagerFactoryParameters parameters) {}

          @Override
          protected KeyManager[] engineGetKeyManagers() {
            return new KeyManager[] {manager};
          }
        }));
  }

  /** True when BoringSSL serves TLS. */
  public boolean isNative() {
    return provider == SslProvider.OPENSSL;
  }

  private static boolean nativeAvailable() {
    // ALPN carries gRPC's "h2"; a native library without it cannot serve gRPC.
    return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)
        && SslProvider.isTlsv13Supported(SslProvider.OPENSSL);
  }

  private static String unavailability() {
    Throwable cause = OpenSsl.unavailabilityCause();
    if (cause != null) {
      return cause.toString();
    }
    return "it lacks ALPN or TLS 1.3";
  }

  private static ServerTlsProvider boringSsl(String why) {
    return new ServerTlsProvider(SslProvider.OPENSSL,
        "BoringSSL (" + why + ")");
  }

  private static ServerTlsProvider jdk(String why) {
    return new ServerTlsProvider(SslProvider.JDK, "the JDK (" + why + ")");
  }
}
