package dev.stead.cli;

import com.google.protobuf.ByteString;
import dev.stead.master.AdminClient;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.EncryptSecretRequest;
import dev.stead.proto.v1.EncryptSecretResponse;
import dev.stead.wire.CallFailures;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "secret", description = "Secrets for Stead code and data.",
    subcommands = {SecretCommand.Encrypt.class})
final class SecretCommand {

  @Command(name = "encrypt", description = "Encrypt a secret read from stdin with the master's "
      + "key (through the admin service) and print it as ENC[...], for secret('...') in code "
      + "or a data value. One trailing newline of the input is dropped.")
  static final class Encrypt implements Callable<Integer> {
    /** Larger secrets belong in files managed otherwise; this also bounds stdin reads. */
    static final int MAX_BYTES = 64 * 1024;

    @Mixin AdminOptions admin;

    @Option(names = "--key", description = "Print a YAML line `NAME: 'ENC[...]'` for a data "
        + "file instead of the bare blob.")
    String key;

    @Option(names = "--keep-newline", description = "Keep a trailing newline of the input.")
    boolean keepNewline;

    @Override
    public Integer call() throws Exception {
      byte[] input = System.in.readNBytes(MAX_BYTES + 1);
      if (input.length > MAX_BYTES) {
        throw new IOException("the secret on stdin is larger than " + MAX_BYTES + " bytes");
      }
      int end = input.length;
      if (!keepNewline && end > 0 && input[end - 1] == '\n') {
        end--;
        if (end > 0 && input[end - 1] == '\r') {
          end--;
        }
      }
      byte[] plaintext = Arrays.copyOf(input, end);
      Arrays.fill(input, (byte) 0);
      if (plaintext.length == 0) {
        throw new IOException("no secret on stdin (e.g. `stead secret encrypt < file`)");
      }
      EncryptSecretResponse response;
      try (AdminClient client = admin.connect()) {
        try {
          response = AdminServiceGrpc.newBlockingStub(client.channel())
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .encryptSecret(EncryptSecretRequest.newBuilder()
                  .setPlaintext(ByteString.copyFrom(plaintext)).build());
        } catch (StatusRuntimeException e) {
          throw new IOException("the secret was not encrypted: "
              + CallFailures.describe(e, client.target()), e);
        }
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
      System.out.println(key == null ? response.getBlob()
          : key + ": '" + response.getBlob() + "'");
      return 0;
    }
  }
}
