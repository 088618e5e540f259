/**
 * Mutual TLS between cluster nodes: gRPC over TCP where every node proves itself with a
 * certificate from the cluster's own CA, made by {@code sidecarctl tls init} ({@link
 * dev.sambasidecars.common.tls.TlsInit}, Bouncy Castle) and loaded and checked by {@link
 * dev.sambasidecars.common.tls.ClusterTls}. Nodes are named by their CTDB node addresses: a
 * node certificate's IP subject alternative names are what peers dial.
 *
 * <p>Decisions: EC P-256 keys and SHA-256/ECDSA (what every JDK TLS stack handles); TLS 1.3
 * only, JDK provider (no native code); a client certificate is required; only the cluster CA
 * is trusted; the CA key never lives on a node ({@link dev.sambasidecars.common.tls.TlsFiles}).
 */
package dev.sambasidecars.common.tls;
