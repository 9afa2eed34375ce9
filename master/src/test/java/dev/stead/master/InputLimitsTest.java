package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.rpc.InputLimits;
import dev.stead.master.rpc.TlsServer;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.Value;
import dev.stead.proto.v1.ValueList;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Oversized and malformed requests get a clear status; the master keeps serving. */
class InputLimitsTest {
  private static final String NODE = "big.example.com";
  @TempDir Path data;
  @TempDir Path code;
  private Master master;
  private ManagedChannel anonymous;
  private ManagedChannel node;

  @BeforeEach
  void start() throws Exception {
    master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*"))
        .catalogSource((n, facts) -> CompileOutcome.compiled(
            Catalogs.seal(Catalog.newBuilder().setNode(n).setCodeVersion("t").build())))
        .start();
    var ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    anonymous = TestPki.channel(master.port(), ca, null, null);
    KeyPair key = TestPki.ecKey();
    CertificateStatus status = BootstrapGrpc.newBlockingStub(anonymous).submitCsr(
        SubmitCsrRequest.newBuilder().setCertname(NODE).setCsrPem(TestPki.csr(NODE, key))
            .build());
    node = TestPki.channel(master.port(), ca, key.getPrivate(),
        Pem.parseCertificate(status.getCertificatePem()));
  }

  @AfterEach
  void stop() throws Exception {
    anonymous.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    node.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    master.close();
  }

  private Status send(String method, byte[] request) {
    try {
      AuthorizationMatrixTest.rawCall(node, method, request);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private void assertStillServing() {
    assertThat(BootstrapGrpc.newBlockingStub(anonymous).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getCaCertificate(GetCaCertificateRequest.getDefaultInstance()).getCaCertificatePem())
        .startsWith("-----BEGIN CERTIFICATE-----");
  }

  private static GetCatalogRequest factsOf(Facts facts) {
    return GetCatalogRequest.newBuilder().setNode(NODE).setFacts(facts).build();
  }

  @Test
  void malformedProtobufIsInvalidArgument() {
    // Field 1 (node, a string) claiming 127 bytes that never come.
    Status status = send("stead.v1.CatalogService/GetCatalog", new byte[] {0x0A, 0x7F, 0x41});

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("not a valid protobuf message");
    assertStillServing();
  }

  @Test
  void requestsOverTheMethodLimitAreResourceExhausted() {
    String big = "x".repeat(InputLimits.MAX_REQUEST_BYTES);
    Status status = send("stead.v1.CatalogService/GetCatalog", factsOf(Facts.newBuilder()
        .putValues("blob", Value.newBuilder().setStringValue(big).build()).build())
        .toByteArray());

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("at most " + InputLimits.MAX_REQUEST_BYTES);
    assertStillServing();
  }

  @Test
  void anAnonymousRequestIsCutAtTheBootstrapLimitBeforeItIsBuffered() {
    Status status = sendAnonymously("stead.v1.Bootstrap/SubmitCsr", SubmitCsrRequest.newBuilder()
        .setCertname("squat").setCsrPem("x".repeat(5 * 1024 * 1024)).build().toByteArray());

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("at most "
        + InputLimits.MAX_ANONYMOUS_REQUEST_BYTES + " are accepted without a client certificate");
    // The master stopped reading within one flow-control window past the limit (what the
    // client could send before the call started), not at 4 or 16 MiB, nor at 5.
    assertThat(bytesReadBeforeRefusal(status))
        .isGreaterThan(InputLimits.MAX_ANONYMOUS_REQUEST_BYTES)
        .isLessThanOrEqualTo(InputLimits.MAX_ANONYMOUS_REQUEST_BYTES
            + TlsServer.FLOW_CONTROL_WINDOW + 16 * 1024);
    assertStillServing();
  }

  @Test
  void anAnonymousRequestUnderTheMethodLimitButOverTheBootstrapLimitIsRefused() {
    Status status = sendAnonymously("stead.v1.Bootstrap/GetCaCertificate",
        new byte[InputLimits.MAX_ANONYMOUS_REQUEST_BYTES + 1024]);

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("without a client certificate");
  }

  @Test
  void aNodesOversizedRequestIsCutAtItsMethodLimitNotTheTransportLimit() {
    Status status = send("stead.v1.CatalogService/GetCatalog",
        new byte[InputLimits.MAX_REPORT_BYTES - 1024]);

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(bytesReadBeforeRefusal(status))
        .isLessThanOrEqualTo(InputLimits.MAX_REQUEST_BYTES + TlsServer.FLOW_CONTROL_WINDOW
            + 16 * 1024);
    assertStillServing();
  }

  private Status sendAnonymously(String method, byte[] request) {
    try {
      AuthorizationMatrixTest.rawCall(anonymous, method, request);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private static long bytesReadBeforeRefusal(Status status) {
    Matcher m = Pattern
        .compile("refused after reading (\\d+) bytes").matcher(status.getDescription());
    assertThat(m.find()).as(status.getDescription()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void reportsMayBeLargerButNotOverTheTransportLimit() {
    Report.Builder report = Report.newBuilder().setId("big-1").setNode(NODE).setStartedAtMs(1);
    report.addResources(ResourceResult.newBuilder().setKey("file[/a]").addEvents(Event
        .newBuilder().setProperty("content").setDiff("d".repeat(6 * 1024 * 1024))));
    assertThat(send("stead.v1.ReportService/SubmitReport",
        SubmitReportRequest.newBuilder().setReport(report).build().toByteArray()).getCode())
        .isEqualTo(Status.Code.OK);

    report.setId("big-2").getResourcesBuilder(0).getEventsBuilder(0)
        .setDiff("d".repeat(InputLimits.MAX_REPORT_BYTES));
    Status status = send("stead.v1.ReportService/SubmitReport",
        SubmitReportRequest.newBuilder().setReport(report).build().toByteArray());
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertStillServing();
  }

  @Test
  void tooManyFactValuesOrTooDeepFactsAreRefused() {
    ValueList.Builder many = ValueList.newBuilder();
    for (int i = 0; i <= InputLimits.MAX_FACT_VALUES; i++) {
      many.addValues(Value.newBuilder().setIntValue(i));
    }
    Status count = send("stead.v1.CatalogService/GetCatalog", factsOf(Facts.newBuilder()
        .putValues("many", Value.newBuilder().setListValue(many).build()).build())
        .toByteArray());
    assertThat(count.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(count.getDescription()).contains("more than " + InputLimits.MAX_FACT_VALUES);

    Value deep = Value.newBuilder().setStringValue("bottom").build();
    for (int i = 0; i < InputLimits.MAX_FACT_DEPTH + 5; i++) {
      deep = Value.newBuilder().setListValue(ValueList.newBuilder().addValues(deep)).build();
    }
    Status depth = send("stead.v1.CatalogService/GetCatalog",
        factsOf(Facts.newBuilder().putValues("deep", deep).build()).toByteArray());
    assertThat(depth.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(depth.getDescription()).contains("nest deeper than");
    assertStillServing();
  }

  @Test
  void tooManyReportEventsAreRefused() {
    Report.Builder report = Report.newBuilder().setId("many").setNode(NODE).setStartedAtMs(1);
    ResourceResult.Builder resource = ResourceResult.newBuilder().setKey("file[/a]");
    Event event = Event.newBuilder().setProperty("p").build();
    for (int i = 0; i <= InputLimits.MAX_REPORT_EVENTS; i++) {
      resource.addEvents(event);
    }
    report.addResources(resource);

    Status status = send("stead.v1.ReportService/SubmitReport",
        SubmitReportRequest.newBuilder().setReport(report).build().toByteArray());

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("events; at most "
        + InputLimits.MAX_REPORT_EVENTS);
    assertStillServing();
  }

  @Test
  void garbageCsrsGetAClearRefusal() {
    StatusRuntimeException e = Assertions.assertThrows(
        StatusRuntimeException.class, () -> BootstrapGrpc.newBlockingStub(anonymous)
            .submitCsr(SubmitCsrRequest.newBuilder().setCertname("node1")
                .setCsrPem(ByteString.copyFrom(new byte[] {1, 2, 3}).toStringUtf8()).build()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("is not a PEM PKCS#10 request");
  }
}
