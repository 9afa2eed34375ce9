package dev.stead.master.metrics;

import dev.stead.master.rpc.CatalogQueue;
import dev.stead.master.rpc.ConnectionCounts;
import dev.stead.master.storage.NodeStore;
import dev.stead.master.storage.StoreMaintenance;
import dev.stead.proto.v1.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the master exposes to Prometheus, computed at scrape time from the store and
 * the CA files. Thread-safe.
 */
public final class MasterMetrics {
  /** The node states reported in {@code stead_nodes}. */
  public enum NodeState {
    UNREPORTED, UNCHANGED, CHANGED, FAILED;

    public static NodeState of(NodeInfo node) {
      if (node.getLastReportMs() == 0) {
        return UNREPORTED;
      }
      return switch (node.getLastStatus()) {
        case CHANGED_RUN -> CHANGED;
        case FAILED_RUN -> FAILED;
        default -> UNCHANGED;
      };
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final NodeStore nodeStore;
  private final StoreMaintenance store;
  private final TimedCatalogSource compiles;
  private final ConnectionCounts connections;
  private final CatalogQueue catalogQueue;
  private final Path caDir;
  private final Clock clock;

  public MasterMetrics(NodeStore nodeStore, StoreMaintenance store, TimedCatalogSource compiles,
      ConnectionCounts connections, CatalogQueue catalogQueue, Path caDir, Clock clock) {
    this.nodeStore = nodeStore;
    this.store = store;
    this.compiles = compiles;
    this.connections = connections;
    this.catalogQueue = catalogQueue;
    this.caDir = caDir;
    this.clock = clock;
  }

  /** One scrape: the whole page. */
  public String scrape() {
    TextFormat out = new TextFormat();
    compiles.write(out);
    out.header("stead_connections_accepted_total", "Connections accepted on the agents' port"
        + " since the master started (each a TLS handshake unless refused at once).", "counter");
    out.sample("stead_connections_accepted_total", connections.accepted());
    out.header("stead_connections_open", "Connections open on the agents' port.", "gauge");
    out.sample("stead_connections_open", connections.open());
    out.header("stead_catalog_queue_waiting", "Catalog requests waiting for a compile.",
        "gauge");
    out.sample("stead_catalog_queue_waiting", catalogQueue.waiting());
    out.header("stead_catalog_requests_refused_total", "Catalog requests refused as the master"
        + " was busy (UNAVAILABLE) since it started.", "counter");
    out.sample("stead_catalog_requests_refused_total", catalogQueue.refused());
    out.header("stead_reports_received_total", "Reports stored since the master started.",
        "counter");
    out.sample("stead_reports_received_total", store.reportsAdded());
    out.header("stead_reports_stored", "Reports in the database (an estimate on RocksDB).",
        "gauge");
    out.sample("stead_reports_stored", store.reportCount());

    List<NodeInfo> nodes = nodeStore.nodes();
    Map<NodeState, Integer> byState = new EnumMap<>(NodeState.class);
    int drifting = 0;
    for (NodeInfo node : nodes) {
      byState.merge(NodeState.of(node), 1, Integer::sum);
      drifting += node.getLastDriftEvents() > 0 ? 1 : 0;
    }
    out.header("stead_nodes", "Nodes by the status of their last run.", "gauge");
    for (NodeState state : NodeState.values()) {
      out.sample("stead_nodes", "status", state.label(), byState.getOrDefault(state, 0));
    }
    out.header("stead_nodes_drifting", "Nodes whose last run found drift.", "gauge");
    out.sample("stead_nodes_drifting", drifting);

    long now = clock.millis();
    X509Certificate ca = caCertificate();
    if (ca != null) {
      out.header("stead_ca_age_seconds", "Seconds since the CA certificate's notBefore.",
          "gauge");
      out.sample("stead_ca_age_seconds", (now - ca.getNotBefore().getTime()) / 1000);
      out.header("stead_ca_expiry_seconds", "Seconds until the CA certificate expires.",
          "gauge");
      out.sample("stead_ca_expiry_seconds", (ca.getNotAfter().getTime() - now) / 1000);
    }
    X509CRL crl = crl();
    if (crl != null) {
      out.header("stead_crl_age_seconds", "Seconds since the CRL was issued (thisUpdate).",
          "gauge");
      out.sample("stead_crl_age_seconds", (now - crl.getThisUpdate().getTime()) / 1000);
    }

    Map<String, Long> sizes = store.sizes();
    out.header("stead_store_bytes",
        "Bytes the store takes on disk: total, and reports with their indexes.", "gauge");
    for (String kind : List.of("total", "reports")) {
      out.sample("stead_store_bytes", "kind", kind, sizes.getOrDefault(kind, 0L));
    }
    if (sizes.containsKey("sst_files")) {
      out.header("stead_rocksdb_bytes", "RocksDB's sizes: sst_files, blob_files and wal_files"
          + " on disk, live_data estimated, memtables in memory.", "gauge");
      for (String kind : List.of("sst_files", "blob_files", "wal_files", "live_data",
          "memtables")) {
        out.sample("stead_rocksdb_bytes", "kind", kind, sizes.getOrDefault(kind, 0L));
      }
      out.header("stead_rocksdb_family_sst_bytes", "SST bytes on disk per column family.",
          "gauge");
      sizes.forEach((name, bytes) -> {
        if (name.startsWith("sst_files.")) {
          out.sample("stead_rocksdb_family_sst_bytes", "family",
              name.substring("sst_files.".length()), bytes);
        }
      });
    }
    return out.toString();
  }

  private X509Certificate caCertificate() {
    Path file = caDir.resolve("ca.pem");
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | GeneralSecurityException e) {
      return null;
    }
  }

  private X509CRL crl() {
    Path file = caDir.resolve("crl.pem");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (IOException | GeneralSecurityException e) {
      return null;
    }
  }
}
