/**
 * The Stead master: {@link dev.stead.master.Master} serves agents and operators on one
 * TLS 1.3 gRPC port; {@link dev.stead.master.AdminClient} is the operator's side of it.
 *
 * <p>Layout of the data directory ({@code DATA}, mode 0700):
 * <pre>
 * DATA/ca/ca.pem             CA certificate (what agents pin by fingerprint)
 * DATA/ca/ca_key.pem         CA key, PKCS#8, 0600
 * DATA/ca/server.pem         TLS server certificate (SANs localhost, 127.0.0.1, ::1, host name,
 *                            listen host), reissued when it no longer fits
 * DATA/ca/server_key.pem     its key, 0600
 * DATA/admin/{cert,key,ca}.pem  the operator's client credentials (CN stead-admin), 0600, dir 0700
 * DATA/db/                   RocksDB: nodes, facts, catalogs, reports, certificates, requests
 *                            (absent when the store is a PostgreSQL database)
 * DATA/master.address        host:port of the running master; removed on close
 * </pre>
 *
 * <p>Internals: {@code .ca} (certificate authority and CSR policy), {@code .storage} (the
 * store's focused interfaces, {@code Store} that unites them, the RocksDB backend; the
 * PostgreSQL backend in {@code .storage.postgres}), {@code .code} (where catalogs come
 * from, reloaded when the code changes), {@code .rpc} (gRPC services, TLS, authorization).
 */
package dev.stead.master;
