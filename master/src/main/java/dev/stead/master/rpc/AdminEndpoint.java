package dev.stead.master.rpc;

import dev.stead.master.ca.CertificateRegistry;
import dev.stead.master.secrets.SecretService;
import dev.stead.master.storage.NodeClassifications;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.CaFingerprintRequest;
import dev.stead.proto.v1.CaFingerprintResponse;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.ClassifyNodeRequest;
import dev.stead.proto.v1.CleanCertificateRequest;
import dev.stead.proto.v1.CleanCertificateResponse;
import dev.stead.proto.v1.EncryptSecretRequest;
import dev.stead.proto.v1.EncryptSecretResponse;
import dev.stead.proto.v1.GetNodeRequest;
import dev.stead.proto.v1.NodeClassification;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.RevokeCertificateRequest;
import dev.stead.proto.v1.ListCertificatesRequest;
import dev.stead.proto.v1.ListCertificatesResponse;
import dev.stead.proto.v1.ListNodesRequest;
import dev.stead.proto.v1.ListNodesResponse;
import dev.stead.proto.v1.SignCertificateRequest;
import dev.stead.master.schedule.RunSlots;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;

/** The operator's service; the interceptor admits only the admin certificate. */
public final class AdminEndpoint extends AdminServiceGrpc.AdminServiceImplBase {
  private final CertificateRegistry registry;
  private final Store store;
  private final SecretService secrets;
  private final NodeClassifications classifications;
  private final RunSlots runSlots;
  private java.util.function.Consumer<String> cleaned = node -> { };

  public AdminEndpoint(CertificateRegistry registry, Store store,
      SecretService secrets) {
    this(registry, store, secrets, new NodeClassifications(store));
  }

  public AdminEndpoint(CertificateRegistry registry, Store store,
      SecretService secrets, NodeClassifications classifications) {
    this(registry, store, secrets, classifications, new RunSlots(store, Clock.systemUTC()));
  }

  public AdminEndpoint(CertificateRegistry registry, Store store,
      SecretService secrets, NodeClassifications classifications, RunSlots runSlots) {
    this.runSlots = runSlots;
    this.classifications = classifications;
    this.registry = registry;
    this.store = store;
    this.secrets = secrets;
  }

  /**
   * Also tells {@code listener} of each node cleaned, after its certificate and catalog are
   * gone (what the master keeps of it in memory goes too). Set before the service is bound.
   */
  public AdminEndpoint whenCleaned(java.util.function.Consumer<String> listener) {
    this.cleaned = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public void encryptSecret(EncryptSecretRequest request,
      StreamObserver<EncryptSecretResponse> observer) {
    Unary.respond(observer, "EncryptSecret", () -> {
      if (request.getPlaintext().isEmpty()) {
        throw Unary.invalid("EncryptSecret: the secret is empty");
      }
      return secrets.encrypt(request.getPlaintext().toByteArray());
    });
  }

  @Override
  public void listCertificates(ListCertificatesRequest request,
      StreamObserver<ListCertificatesResponse> observer) {
    Unary.respond(observer, "ListCertificates", () -> ListCertificatesResponse.newBuilder()
        .addAllCertificates(registry.list()).build());
  }

  @Override
  public void signCertificate(SignCertificateRequest request,
      StreamObserver<CertificateInfo> observer) {
    Unary.respond(observer, "SignCertificate", () -> registry.sign(request.getCertname(),
        request.getFingerprint()));
  }

  @Override
  public void revokeCertificate(RevokeCertificateRequest request,
      StreamObserver<CertificateInfo> observer) {
    Unary.respond(observer, "RevokeCertificate", () -> registry.revoke(request.getCertname()));
  }

  @Override
  public void cleanCertificate(CleanCertificateRequest request,
      StreamObserver<CleanCertificateResponse> observer) {
    Unary.respond(observer, "CleanCertificate", () -> {
      CleanCertificateResponse cleaned = registry.clean(request.getCertname());
      // A cleaned node is decommissioned or about to be re-enrolled as a new machine: its
      // exports must not stay collectable, and its next run compiles afresh.
      store.removeCatalog(cleaned.getCertname());
      this.cleaned.accept(cleaned.getCertname());
      return cleaned;
    });
  }

  @Override
  public void caFingerprint(CaFingerprintRequest request,
      StreamObserver<CaFingerprintResponse> observer) {
    Unary.respond(observer, "CaFingerprint", () -> CaFingerprintResponse.newBuilder()
        .setFingerprint(registry.authority().fingerprint()).build());
  }

  @Override
  public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> observer) {
    Unary.respond(observer, "ListNodes",
        () -> ListNodesResponse.newBuilder().addAllNodes(
            classifications.describeAll().stream().map(this::withSlot).toList()).build());
  }

  @Override
  public void getNode(GetNodeRequest request,
      StreamObserver<NodeInfo> observer) {
    Unary.respond(observer, "GetNode", () -> {
      String name = request.getName();
      var known = store.node(name);
      var classified = store.classification(name);
      if (known.isEmpty() && classified.isEmpty()) {
        throw Status.NOT_FOUND.withDescription("the master knows no node '"
            + name.replaceAll("\\p{Cntrl}", "?") + "' (it never asked for a catalog and was"
            + " never classified)").asRuntimeException();
      }
      return withSlot(classifications.describe(known.orElseGet(
          () -> NodeInfo.newBuilder().setName(name).build())));
    });
  }

  /** The node with the run slot the master assigns it now, when it has one. */
  private NodeInfo withSlot(NodeInfo node) {
    return runSlots.assigned(node.getName())
        .map(slot -> node.toBuilder().setRunSlot(slot).build()).orElse(node);
  }

  @Override
  public void classifyNode(ClassifyNodeRequest request,
      StreamObserver<NodeClassification> observer) {
    Unary.respond(observer, "ClassifyNode", () -> {
      try {
        return classifications.classify(request.getNode(), request.getSetMap(),
            request.getUnsetList(), Identity.current().commonName());
      } catch (IllegalArgumentException e) {
        throw Unary.invalid(e.getMessage());
      }
    });
  }
}
