package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.proto.v1.AcceptDriftRequest;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.BackupRequest;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CaFingerprintRequest;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateServiceGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ClassifyNodeRequest;
import dev.stead.proto.v1.CleanCertificateRequest;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.EncryptSecretRequest;
import dev.stead.proto.v1.ExceptDriftRequest;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetFileRequest;
import dev.stead.proto.v1.GetJobRequest;
import dev.stead.proto.v1.GetNodeRequest;
import dev.stead.proto.v1.GetReportRequest;
import dev.stead.proto.v1.LiftExceptionRequest;
import dev.stead.proto.v1.ListCertificatesRequest;
import dev.stead.proto.v1.ListExceptionsRequest;
import dev.stead.proto.v1.ListNodesRequest;
import dev.stead.proto.v1.QueryReportsRequest;
import dev.stead.proto.v1.RenewCertificateRequest;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.ReviewDriftRequest;
import dev.stead.proto.v1.RevokeCertificateRequest;
import dev.stead.proto.v1.RunJobRequest;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SignCertificateRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.SubscribeRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every RPC the master serves × every kind of caller, over real mutual TLS. The RPCs come
 * from the running server, so a new one fails this test until it is given a row in
 * {@link #ALLOWED} and a request in {@link #requests}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {
  /** Who calls. */
  enum Caller { NONE, OTHER_NODE, REVOKED, EXPIRED, ADMIN, OWN_NODE }

  private static final String OWN = "own.example.com";
  private static final Set<Caller> ANYONE_VALID =
      EnumSet.of(Caller.NONE, Caller.OTHER_NODE, Caller.ADMIN, Caller.OWN_NODE);

  /** The intended matrix: which callers get past authorization, per RPC. */
  private static final Map<String, Set<Caller>> ALLOWED = Map.ofEntries(
      Map.entry("stead.v1.Bootstrap/GetCaCertificate", ANYONE_VALID),
      Map.entry("stead.v1.Bootstrap/SubmitCsr", ANYONE_VALID),
      Map.entry("stead.v1.Bootstrap/FetchCertificate", ANYONE_VALID),
      Map.entry("stead.v1.CatalogService/GetCatalog", EnumSet.of(Caller.OWN_NODE)),
      Map.entry("stead.v1.ReportService/SubmitReport", EnumSet.of(Caller.OWN_NODE)),
      Map.entry("stead.v1.CertificateService/RenewCertificate", EnumSet.of(Caller.OWN_NODE)),
      // Any node gets past authorization: it always asks for itself (its CN), and what it may
      // fetch is decided by its own catalog (FileSourceEndToEndTest covers that refusal).
      Map.entry("stead.v1.FileService/GetFile", EnumSet.of(Caller.OWN_NODE, Caller.OTHER_NODE)),
      Map.entry("stead.v1.AdminService/ListCertificates", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/SignCertificate", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/RevokeCertificate", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/CleanCertificate", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/CaFingerprint", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/ListNodes", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/EncryptSecret", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/ClassifyNode", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.AdminService/GetNode", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.MasterService/ListMasters", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/GetReport", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/QueryReports", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/Changes", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/Compliance", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/Backup", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/ExceptDrift", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/ListExceptions", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/LiftException", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/ReviewDrift", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.FleetService/AcceptDrift", EnumSet.of(Caller.ADMIN)),
      // Any node gets past authorization; the request names the node, and a node naming
      // another is refused (JobsTest covers that refusal).
      Map.entry("stead.v1.CommandService/Subscribe",
          EnumSet.of(Caller.OWN_NODE, Caller.OTHER_NODE)),
      Map.entry("stead.v1.JobService/RunJob", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.JobService/GetJob", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.PreviewService/Preview", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.RolloutService/StartRollout", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.RolloutService/RolloutStatus", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.RolloutService/PauseRollout", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.RolloutService/ResumeRollout", EnumSet.of(Caller.ADMIN)),
      Map.entry("stead.v1.RolloutService/AbortRollout", EnumSet.of(Caller.ADMIN)));

  /** Refusals that mean "authorization stopped it" (UNAVAILABLE: the handshake failed). */
  private static final Set<Status.Code> REFUSED = EnumSet.of(Status.Code.UNAUTHENTICATED,
      Status.Code.PERMISSION_DENIED, Status.Code.UNAVAILABLE);

  private static final CatalogSource SOURCE = (node, facts) -> CompileOutcome.compiled(
      Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test").build()));

  @TempDir static Path data;
  @TempDir static Path code;
  private Master master;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Map<Caller, ManagedChannel> callers = new LinkedHashMap<>();

  @BeforeAll
  void startMaster() throws Exception {
    master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*"))
        .catalogSource(SOURCE).start();
    X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    callers.put(Caller.NONE, channel(null, null));
    Signed own = bootstrap(OWN);
    Signed other = bootstrap("other.example.com");
    Signed revoked = bootstrap("revoked.example.com");
    callers.put(Caller.OWN_NODE, channel(own.key().getPrivate(), own.certificate()));
    callers.put(Caller.OTHER_NODE, channel(other.key().getPrivate(), other.certificate()));
    callers.put(Caller.REVOKED, channel(revoked.key().getPrivate(), revoked.certificate()));
    callers.put(Caller.ADMIN, channel(Pem.readPrivateKey(data.resolve("admin/key.pem")),
        Pem.readCertificate(data.resolve("admin/cert.pem"))));
    KeyPair expiredKey = TestPki.ecKey();
    callers.put(Caller.EXPIRED, channel(expiredKey.getPrivate(),
        expiredCertificate("expired.example.com", expiredKey)));
    // Revoked after its channel is open: the refusal must reach open connections too.
    assertThat(call(Caller.REVOKED, "stead.v1.CatalogService/GetCatalog",
        GetCatalogRequest.newBuilder().setNode("revoked.example.com").build()))
        .isEqualTo(Status.Code.OK);
    AdminServiceGrpc.newBlockingStub(callers.get(Caller.ADMIN)).revokeCertificate(
        RevokeCertificateRequest.newBuilder().setCertname("revoked.example.com").build());
    assertThat(ca).isNotNull();
  }

  @AfterAll
  void stop() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    master.close();
  }

  private record Signed(KeyPair key, X509Certificate certificate) {}

  private Signed bootstrap(String name) throws Exception {
    KeyPair key = TestPki.ecKey();
    CertificateStatus status = BootstrapGrpc.newBlockingStub(callers.get(Caller.NONE))
        .submitCsr(SubmitCsrRequest.newBuilder().setCertname(name)
            .setCsrPem(TestPki.csr(name, key)).build());
    assertThat(status.getState()).isEqualTo(CertificateState.SIGNED);
    return new Signed(key, Pem.parseCertificate(status.getCertificatePem()));
  }

  private ManagedChannel channel(PrivateKey key, X509Certificate cert) throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(),
        Pem.readCertificate(data.resolve("ca/ca.pem")), key, cert);
    channels.add(channel);
    return channel;
  }

  /** A client certificate from our CA that expired yesterday, made with the CA key itself. */
  private X509Certificate expiredCertificate(String cn, KeyPair key) throws Exception {
    X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    PrivateKey caKey = Pem.readPrivateKey(data.resolve("ca/ca_key.pem"));
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(ca, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(30, ChronoUnit.DAYS)),
        Date.from(now.minus(1, ChronoUnit.DAYS)), new X500Name("CN=" + cn),
        key.getPublic())
        .addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
  }

  /** One request per RPC, aimed at the own node (or at nobody, for the admin's writes). */
  private static Map<String, Message> requests() throws Exception {
    String weakCsrForOwn = TestPki.csr(OWN, TestPki.rsaKey(1024));
    return Map.ofEntries(
        Map.entry("stead.v1.Bootstrap/GetCaCertificate",
            GetCaCertificateRequest.getDefaultInstance()),
        Map.entry("stead.v1.Bootstrap/SubmitCsr",
            SubmitCsrRequest.newBuilder().setCertname("ghost").build()),
        Map.entry("stead.v1.Bootstrap/FetchCertificate",
            FetchCertificateRequest.newBuilder().setCertname(OWN).build()),
        Map.entry("stead.v1.CatalogService/GetCatalog",
            GetCatalogRequest.newBuilder().setNode(OWN).build()),
        Map.entry("stead.v1.ReportService/SubmitReport", SubmitReportRequest.newBuilder()
            .setReport(Report.newBuilder().setId("r-" + System.nanoTime()).setNode(OWN)
                .setStartedAtMs(1).setStatus(RunStatus.UNCHANGED)).build()),
        // A weak key: past authorization, the renewal itself is refused (INVALID_ARGUMENT),
        // so the own certificate stays current for the other cells.
        Map.entry("stead.v1.CertificateService/RenewCertificate",
            RenewCertificateRequest.newBuilder().setCsrPem(weakCsrForOwn).build()),
        // No checksum: refused after authorization (INVALID_ARGUMENT).
        Map.entry("stead.v1.FileService/GetFile",
            GetFileRequest.getDefaultInstance()),
        Map.entry("stead.v1.AdminService/ListCertificates",
            ListCertificatesRequest.getDefaultInstance()),
        Map.entry("stead.v1.AdminService/SignCertificate",
            SignCertificateRequest.newBuilder().setCertname("ghost").build()),
        Map.entry("stead.v1.AdminService/RevokeCertificate",
            RevokeCertificateRequest.newBuilder().setCertname("ghost").build()),
        Map.entry("stead.v1.AdminService/CleanCertificate",
            CleanCertificateRequest.newBuilder().setCertname("ghost").build()),
        Map.entry("stead.v1.AdminService/CaFingerprint",
            CaFingerprintRequest.getDefaultInstance()),
        Map.entry("stead.v1.AdminService/ListNodes",
            ListNodesRequest.getDefaultInstance()),
        // Empty: refused after authorization (INVALID_ARGUMENT), no key is created.
        Map.entry("stead.v1.AdminService/EncryptSecret",
            EncryptSecretRequest.getDefaultInstance()),
        // An unknown key: refused after authorization (INVALID_ARGUMENT), nothing is stored,
        // so the own node is never put in audit mode by a cell of this matrix.
        Map.entry("stead.v1.AdminService/ClassifyNode",
            ClassifyNodeRequest.newBuilder().setNode(OWN)
                .putSet("no-such-key", "x").build()),
        Map.entry("stead.v1.AdminService/GetNode",
            GetNodeRequest.newBuilder().setName(OWN).build()),
        Map.entry("stead.v1.FleetService/GetReport",
            GetReportRequest.newBuilder().setId("none").build()),
        Map.entry("stead.v1.FleetService/QueryReports",
            QueryReportsRequest.getDefaultInstance()),
        Map.entry("stead.v1.FleetService/Changes",
            ChangesRequest.getDefaultInstance()),
        Map.entry("stead.v1.FleetService/Compliance",
            ComplianceRequest.getDefaultInstance()),
        // No directory: refused after authorization, nothing is written.
        Map.entry("stead.v1.FleetService/Backup",
            BackupRequest.getDefaultInstance()),
        // No node: refused after authorization (INVALID_ARGUMENT), nothing is stored.
        Map.entry("stead.v1.FleetService/ExceptDrift",
            ExceptDriftRequest.getDefaultInstance()),
        Map.entry("stead.v1.FleetService/ListExceptions",
            ListExceptionsRequest.getDefaultInstance()),
        // No id: refused after authorization (INVALID_ARGUMENT), nothing changes.
        Map.entry("stead.v1.FleetService/LiftException",
            LiftExceptionRequest.getDefaultInstance()),
        Map.entry("stead.v1.FleetService/ReviewDrift",
            ReviewDriftRequest.getDefaultInstance()),
        // No node: refused after authorization (INVALID_ARGUMENT), nothing is recorded.
        Map.entry("stead.v1.FleetService/AcceptDrift",
            AcceptDriftRequest.getDefaultInstance()),
        // No node: refused after authorization (INVALID_ARGUMENT), no stream is held.
        Map.entry("stead.v1.CommandService/Subscribe",
            SubscribeRequest.getDefaultInstance()),
        // No nodes: refused after authorization (INVALID_ARGUMENT), no job starts.
        Map.entry("stead.v1.MasterService/ListMasters",
            dev.stead.proto.v1.ListMastersRequest.getDefaultInstance()),
        Map.entry("stead.v1.JobService/RunJob",
            RunJobRequest.getDefaultInstance()),
        Map.entry("stead.v1.JobService/GetJob",
            GetJobRequest.newBuilder().setId("none").build()),
        // No directory: refused after authorization (INVALID_ARGUMENT), nothing compiles.
        Map.entry("stead.v1.PreviewService/Preview",
            dev.stead.proto.v1.PreviewRequest.getDefaultInstance()),
        // No environment: refused after authorization (INVALID_ARGUMENT, or
        // FAILED_PRECONDITION: no rollout to act on), nothing starts or changes.
        Map.entry("stead.v1.RolloutService/StartRollout",
            dev.stead.proto.v1.StartRolloutRequest.getDefaultInstance()),
        Map.entry("stead.v1.RolloutService/RolloutStatus",
            dev.stead.proto.v1.RolloutStatusRequest.getDefaultInstance()),
        Map.entry("stead.v1.RolloutService/PauseRollout",
            dev.stead.proto.v1.RolloutActionRequest.getDefaultInstance()),
        Map.entry("stead.v1.RolloutService/ResumeRollout",
            dev.stead.proto.v1.RolloutActionRequest.getDefaultInstance()),
        Map.entry("stead.v1.RolloutService/AbortRollout",
            dev.stead.proto.v1.RolloutActionRequest.getDefaultInstance()));
  }

  @Test
  void everyServedRpcHasARowAndARequest() throws Exception {
    Set<String> served = servedMethods();

    assertThat(ALLOWED.keySet()).as("rows of the matrix").containsExactlyInAnyOrderElementsOf(served);
    assertThat(requests().keySet()).as("requests").containsExactlyInAnyOrderElementsOf(served);
    assertThat(served).contains("stead.v1.AdminService/RevokeCertificate",
        "stead.v1.CertificateService/RenewCertificate");
  }

  @Test
  void onlyTheIntendedCellsPass() throws Exception {
    Map<String, Message> requests = requests();
    List<String> wrong = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (String method : servedMethods()) {
      Message request = requests.get(method);
      assertThat(request).as("a request for " + method).isNotNull();
      Set<Caller> allowed = ALLOWED.getOrDefault(method, Set.of());
      table.append(String.format("%-48s", method));
      for (Caller caller : Caller.values()) {
        Status.Code code = call(caller, method, request);
        boolean passed = !REFUSED.contains(code);
        table.append(String.format(" %s=%s", caller, code));
        if (passed != allowed.contains(caller) || code == Status.Code.INTERNAL
            || code == Status.Code.UNKNOWN) {
          wrong.add(method + " as " + caller + ": " + code + " (expected "
              + (allowed.contains(caller) ? "to pass" : "a refusal") + ")");
        }
      }
      table.append('\n');
    }
    assertThat(wrong).as("cells that differ from the intended matrix:\n" + table).isEmpty();
  }

  @Test
  void revokedAndExpiredCertificatesAreToldWhy() throws Exception {
    StatusRuntimeException revoked = refusal(Caller.REVOKED, "stead.v1.CatalogService/GetCatalog",
        GetCatalogRequest.newBuilder().setNode("revoked.example.com").build());

    assertThat(revoked.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(revoked.getStatus().getDescription()).contains("has been revoked");
    StatusRuntimeException expired = refusal(Caller.EXPIRED,
        "stead.v1.Bootstrap/GetCaCertificate",
        GetCaCertificateRequest.getDefaultInstance());
    assertThat(expired.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aRenewedCertificateIsRefusedOnceItsSuccessorIsUsedAndRenewalsAreRateLimited()
      throws Exception {
    Signed renewer = bootstrap("renewer.example.com");
    GetCatalogRequest ownCatalog =
        GetCatalogRequest.newBuilder().setNode("renewer.example.com").build();
    ManagedChannel channel = channel(renewer.key().getPrivate(), renewer.certificate());
    CertificateStatus renewed = CertificateServiceGrpc.newBlockingStub(channel)
        .renewCertificate(RenewCertificateRequest.newBuilder()
            .setCsrPem(TestPki.csr("renewer.example.com", renewer.key())).build());
    X509Certificate fresh = Pem.parseCertificate(renewed.getCertificatePem());
    assertThat(fresh.getSerialNumber()).isNotEqualTo(renewer.certificate().getSerialNumber());

    // As if the answer were lost: the old certificate keeps working...
    assertThat(codeOf(channel, "stead.v1.CatalogService/GetCatalog", ownCatalog))
        .isEqualTo(Status.Code.OK);
    // ...and the new one is there to fetch, anonymously, for whoever holds its key.
    assertThat(BootstrapGrpc.newBlockingStub(callers.get(Caller.NONE)).fetchCertificate(
        FetchCertificateRequest.newBuilder().setCertname("renewer.example.com").build())
        .getCertificatePem()).isEqualTo(renewed.getCertificatePem());

    ManagedChannel next = channel(renewer.key().getPrivate(), fresh);
    assertThat(codeOf(next, "stead.v1.CatalogService/GetCatalog", ownCatalog))
        .isEqualTo(Status.Code.OK);

    StatusRuntimeException old = refusal(channel, "stead.v1.CatalogService/GetCatalog",
        ownCatalog);
    assertThat(old.getStatus().getDescription()).contains("has been revoked");
    StatusRuntimeException again = refusal(next, "stead.v1.CertificateService/RenewCertificate",
        RenewCertificateRequest.newBuilder()
            .setCsrPem(TestPki.csr("renewer.example.com", renewer.key())).build());
    assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(again.getStatus().getDescription()).contains("retry after");
  }

  private Set<String> servedMethods() {
    Set<String> out = new TreeSet<>();
    for (ServerServiceDefinition service : master.services()) {
      for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
        out.add(method.getMethodDescriptor().getFullMethodName());
      }
    }
    return out;
  }

  private Status.Code call(Caller caller, String method, Message request) {
    return codeOf(callers.get(caller), method, request);
  }

  private StatusRuntimeException refusal(Caller caller, String method, Message request) {
    return refusal(callers.get(caller), method, request);
  }

  private static StatusRuntimeException refusal(ManagedChannel channel, String method,
      Message request) {
    try {
      rawCall(channel, method, request.toByteArray());
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError(method + " was not refused");
  }

  private static Status.Code codeOf(ManagedChannel channel, String method, Message request) {
    try {
      rawCall(channel, method, request.toByteArray());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  /** Calls {@code method} with raw request bytes, whatever its types. */
  static byte[] rawCall(ManagedChannel channel, String method, byte[] request) {
    MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(method)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
    return ClientCalls.blockingUnaryCall(channel, descriptor,
        CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS), request);
  }

  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
}
