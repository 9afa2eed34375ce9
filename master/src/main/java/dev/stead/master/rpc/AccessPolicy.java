package dev.stead.master.rpc;

import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateServiceGrpc;
import dev.stead.proto.v1.CommandServiceGrpc;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.FleetServiceGrpc;
import dev.stead.proto.v1.JobServiceGrpc;
import dev.stead.proto.v1.PreviewServiceGrpc;
import dev.stead.proto.v1.ReportServiceGrpc;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Map;

/**
 * Who may call which service, decided before a request is read. Deny by default: a service
 * without an entry is refused, and {@link #requireCovers} makes the master refuse to start
 * with one, so a new service cannot be forgotten. Finer checks that need the request (a node
 * asking only for itself) live in the services. Immutable.
 */
public final class AccessPolicy {

  /** What a caller must present. */
  public enum Access {
    /** Anyone who completes the TLS handshake, with or without a client certificate. */
    ANONYMOUS,
    /** A node certificate from our CA (not the admin certificate). */
    NODE,
    /** The admin certificate. */
    ADMIN
  }

  private final Map<String, Access> byService;

  private AccessPolicy(Map<String, Access> byService) {
    this.byService = Map.copyOf(byService);
  }

  /**
   * Bootstrap is anonymous; catalog, report, file, command stream and certificate renewal need
   * a node; admin, fleet, jobs and preview need the admin.
   */
  public static AccessPolicy standard() {
    return new AccessPolicy(Map.ofEntries(
        Map.entry(BootstrapGrpc.SERVICE_NAME, Access.ANONYMOUS),
        Map.entry(CatalogServiceGrpc.SERVICE_NAME, Access.NODE),
        Map.entry(ReportServiceGrpc.SERVICE_NAME, Access.NODE),
        Map.entry(CertificateServiceGrpc.SERVICE_NAME, Access.NODE),
        Map.entry(FileServiceGrpc.SERVICE_NAME, Access.NODE),
        Map.entry(CommandServiceGrpc.SERVICE_NAME, Access.NODE),
        Map.entry(AdminServiceGrpc.SERVICE_NAME, Access.ADMIN),
        Map.entry(dev.stead.proto.v1.MasterServiceGrpc.SERVICE_NAME, Access.ADMIN),
        Map.entry(JobServiceGrpc.SERVICE_NAME, Access.ADMIN),
        Map.entry(PreviewServiceGrpc.SERVICE_NAME, Access.ADMIN),
        Map.entry(dev.stead.proto.v1.RolloutServiceGrpc.SERVICE_NAME, Access.ADMIN),
        Map.entry(FleetServiceGrpc.SERVICE_NAME, Access.ADMIN)));
  }

  /** The rule for {@code serviceName}, null when there is none (deny). */
  public Access accessFor(String serviceName) {
    return byService.get(serviceName);
  }

  /** Fails fast when one of {@code services} has no rule. */
  public void requireCovers(List<ServerServiceDefinition> services) {
    for (ServerServiceDefinition service : services) {
      String name = service.getServiceDescriptor().getName();
      if (!byService.containsKey(name)) {
        throw new IllegalStateException("no access rule for service " + name);
      }
    }
  }
}
