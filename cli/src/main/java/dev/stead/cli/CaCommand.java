package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CleanCertificateResponse;
import dev.stead.proto.v1.CertificateState;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ca", description = "The master's certificate authority.",
    subcommands = {CaCommand.ListCerts.class, CaCommand.Sign.class, CaCommand.Revoke.class,
        CaCommand.Clean.class, CaCommand.Fingerprint.class})
final class CaCommand {

  @Command(name = "list", description = {"Pending, signed and revoked certificates.",
      "A pending request shows its key's fingerprint, one row per key that asked for the name; "
          + "--wide shows it whole, to compare with the one the agent printed."})
  static final class ListCerts implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--wide", description = "Whole fingerprints (else their first bytes and "
        + "\"…\", to fit the terminal).")
    boolean wide;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        Tables table = new Tables("STATE", "NAME", "EXPIRES", "REVOKED", "SERIAL",
            "FINGERPRINT");
        for (CertificateInfo cert : client.certificates()) {
          table.row(state(cert), cert.getCertname(), Tables.time(cert.getNotAfterMs()),
              Tables.time(cert.getRevokedAtMs()),
              cert.getSerial().isEmpty() ? "-" : cert.getSerial(),
              Tables.digest(cert.getFingerprint(), wide));
        }
        table.print(System.out);
      }
      return 0;
    }
  }

  /** A CA action on one node's name: connect, act, print one line. */
  abstract static class OnCertname implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(description = "The node's certname.")
    String name;

    /** Performs the action and returns the line to print. */
    abstract String act(AdminClient client, String certname) throws IOException;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        System.out.println(act(client, name));
      }
      return 0;
    }
  }

  @Command(name = "sign", description = {"Sign a pending certificate request.",
      "Compare its key fingerprint (`stead ca list`) with the one the agent printed first; "
          + "when several keys asked for the name, --fingerprint picks the one to sign. --all "
          + "signs every request whose name only one key asked for, and lists the others."})
  static final class Sign implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The node's certname.")
    String name;

    @Option(names = "--fingerprint", paramLabel = "FINGERPRINT",
        description = "Sign the request for the key with this fingerprint (as `stead ca list`"
            + " shows it and the agent prints it) and no other.")
    String fingerprint = "";

    @Option(names = "--all", description = "Sign every pending request that only one key "
        + "made; refuse (and list) the names several keys asked for.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      if (all == (name != null)) {
        throw new IllegalArgumentException("give a node's NAME or --all");
      }
      if (all && !fingerprint.isEmpty()) {
        throw new IllegalArgumentException("--fingerprint picks one key of one NAME; "
            + "it does not go with --all");
      }
      try (AdminClient client = admin.connect()) {
        if (!all) {
          CertificateInfo cert = client.sign(name, fingerprint);
          System.out.println("signed " + cert.getCertname() + " " + cert.getFingerprint());
          return 0;
        }
        return signAll(client);
      }
    }

    /** Signs the unambiguous requests; 1 when some name had several keys (none of those signed). */
    private static int signAll(AdminClient client) throws IOException {
      Map<String, List<String>> pending = new LinkedHashMap<>();
      for (CertificateInfo cert : client.certificates()) {
        if (cert.getState() == CertificateState.PENDING) {
          pending.computeIfAbsent(cert.getCertname(), n -> new ArrayList<>())
              .add(cert.getFingerprint());
        }
      }
      if (pending.isEmpty()) {
        System.out.println("no pending certificate requests");
        return 0;
      }
      List<String> ambiguous = new ArrayList<>();
      for (Map.Entry<String, List<String>> request : pending.entrySet()) {
        if (request.getValue().size() == 1) {
          CertificateInfo cert = client.sign(request.getKey(), request.getValue().get(0));
          System.out.println("signed " + cert.getCertname() + " " + cert.getFingerprint());
        } else {
          ambiguous.add("  " + request.getKey() + ": " + String.join(", ", request.getValue()));
        }
      }
      if (ambiguous.isEmpty()) {
        return 0;
      }
      System.err.println("stead ca sign: not signed, " + ambiguous.size() + " name"
          + (ambiguous.size() == 1 ? "" : "s") + " that several keys asked for; compare with "
          + "the fingerprint each agent printed and sign one with "
          + "stead ca sign NAME --fingerprint FINGERPRINT:");
      ambiguous.forEach(System.err::println);
      return 1;
    }
  }

  @Command(name = "revoke", description = "Revoke a node's certificate: refused at once, on open"
      + " connections too, and listed in DATA/ca/crl.pem.")
  static final class Revoke extends OnCertname {
    @Override
    String act(AdminClient client, String certname) throws IOException {
      CertificateInfo cert = client.revoke(certname);
      return "revoked " + cert.getCertname() + " serial " + cert.getSerial();
    }
  }

  @Command(name = "clean", description = "Forget a node's request or certificate (revoking a"
      + " signed one first) so that it can request a new one.")
  static final class Clean extends OnCertname {
    @Override
    String act(AdminClient client, String certname) throws IOException {
      CleanCertificateResponse cleaned = client.clean(certname);
      return "cleaned " + cleaned.getCertname() + " (was "
          + cleaned.getPreviousState().name().toLowerCase(Locale.ROOT)
          + (cleaned.getRevoked() ? "; its certificate is now revoked" : "") + ")";
    }
  }

  @Command(name = "fingerprint", description = {
      "The CA certificate's fingerprint, for agents' --ca-fingerprint.",
      "Read from DATA/ca/ca.pem when it is there (no running master needed), else asked of "
          + "the master."})
  static final class Fingerprint implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() throws Exception {
      Path caFile = admin.data.toAbsolutePath().resolve("ca")
          .resolve(CertificateAuthority.CERTIFICATE_FILE);
      if (Files.isRegularFile(caFile)) {
        System.out.println(Fingerprints.of(
            Pem.readCertificate(caFile)));
        return 0;
      }
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
