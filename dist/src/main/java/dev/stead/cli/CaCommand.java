package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CleanCertificateResponse;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "ca", description = "The master's certificate authority.",
    subcommands = {CaCommand.ListCerts.class, CaCommand.Sign.class, CaCommand.Revoke.class,
        CaCommand.Clean.class, CaCommand.Fingerprint.class})
final class CaCommand {

  @Command(name = "list", description = "Pending, signed and revoked certificates.")
  static final class ListCerts implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        Tables table = new Tables("STATE", "NAME", "EXPIRES", "REVOKED", "SERIAL",
            "FINGERPRINT");
        for (CertificateInfo cert : client.certificates()) {
          table.row(state(cert), cert.getCertname(), Tables.time(cert.getNotAfterMs()),
              Tables.time(cert.getRevokedAtMs()),
              cert.getSerial().isEmpty() ? "-" : cert.getSerial(), cert.getFingerprint());
        }
        table.print(System.out);
      }
      return 0;
    }
  }

  @Command(name = "sign", description = "Sign a pending certificate request.")
  static final class Sign implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(description = "The node's certname.")
    String name;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        CertificateInfo cert = client.sign(name);
        System.out.println("signed " + cert.getCertname() + " " + cert.getFingerprint());
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a node's certificate: refused at once, on open"
      + " connections too, and listed in DATA/ca/crl.pem.")
  static final class Revoke implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(description = "The node's certname.")
    String name;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        CertificateInfo cert = client.revoke(name);
        System.out.println("revoked " + cert.getCertname() + " serial " + cert.getSerial());
      }
      return 0;
    }
  }

  @Command(name = "clean", description = "Forget a node's request or certificate (revoking a"
      + " signed one first) so that it can request a new one.")
  static final class Clean implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(description = "The node's certname.")
    String name;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        CleanCertificateResponse cleaned = client.clean(name);
        System.out.println("cleaned " + cleaned.getCertname() + " (was "
            + cleaned.getPreviousState().name().toLowerCase(Locale.ROOT)
            + (cleaned.getRevoked() ? "; its certificate is now revoked" : "") + ")");
      }
      return 0;
    }
  }

  @Command(name = "fingerprint", description = "The CA certificate's fingerprint, for agents' --ca-fingerprint.")
  static final class Fingerprint implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        System.out.println(client.caFingerprint());
      }
      return 0;
    }
  }

  static String state(CertificateInfo cert) {
    return cert.getState().name().toLowerCase(Locale.ROOT);
  }
}
