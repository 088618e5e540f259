package dev.sambasidecars.common.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents this node's certificate, as TLS server and as TLS client. A reload replaces it for
 * handshakes that start afterwards; each version has its own alias, so a handshake that chose
 * an alias before the reload still gets a matching key and chain.
 */
final class NodeKeyManager extends X509ExtendedKeyManager {
    private record Entry(String alias, PrivateKey key, X509Certificate[] chain) {}

    private final AtomicLong generation = new AtomicLong();
    private volatile Entry current;
    private volatile Entry previous;

    NodeKeyManager(TlsMaterial material) {
        update(material);
    }

    synchronized void update(TlsMaterial material) {
        previous = current;
        current = new Entry("node-" + generation.incrementAndGet(), material.key(),
                material.chain().toArray(X509Certificate[]::new));
    }

    private Entry find(String alias) {
        Entry c = current;
        if (c.alias().equals(alias)) {
            return c;
        }
        Entry p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    /** The alias when the JDK asks for a key of {@code keyType} ("EC", "RSA", "EC_EC", …). */
    private String aliasFor(String keyType) {
        Entry c = current;
        String alg = c.key().getAlgorithm();
        return keyType != null && (keyType.equals(alg) || keyType.startsWith(alg + "_")) ? c.alias() : null;
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes != null) {
            for (String t : keyTypes) {
                String a = aliasFor(t);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String a = aliasFor(keyType);
        return a == null ? null : new String[] {a};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry e = find(alias);
        return e == null ? null : e.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry e = find(alias);
        return e == null ? null : e.key();
    }
}
