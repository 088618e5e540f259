package dev.sambasidecars.witness.msrpce;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection-oriented DCE/RPC server on TCP (ncacn_ip_tcp): one virtual thread per
 * association, the interfaces it serves looked up by UUID and major version, idle peers timed
 * out. Counting hooks let the daemon turn faults and protocol errors into metrics.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);

    private final Map<String, RpcInterface> interfaces = new ConcurrentHashMap<>();
    private final Set<Association> associations = ConcurrentHashMap.newKeySet();
    private final AtomicInteger groups = new AtomicInteger(0x5ca1ab1e & 0x7fffff00);
    private final ServerSocket listener;
    private final Duration idleTimeout;
    private final IntConsumer faults;
    private final java.util.function.Consumer<RpcProtocolException> protocolErrors;
    private final Map<Integer, java.util.function.Supplier<RpcSecurity>> securities = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private RpcServer(ServerSocket listener, List<RpcInterface> served, Duration idleTimeout, IntConsumer faults,
                      java.util.function.Consumer<RpcProtocolException> protocolErrors) {
        this.listener = listener;
        this.idleTimeout = idleTimeout;
        this.faults = faults;
        this.protocolErrors = protocolErrors;
        served.forEach(i -> interfaces.put(key(i.syntax().uuid(), i.syntax().major()), i));
        this.acceptor = Thread.ofPlatform().daemon().name("rpc-accept-" + listener.getLocalPort()).unstarted(this::accept);
    }

    /**
     * Serves {@code served} on {@code address}.
     *
     * @param idleTimeout a connection that sends nothing for this long is closed
     * @param faults told each fault status sent
     * @param protocolErrors told each PDU that ended an association
     */
    public static RpcServer start(InetSocketAddress address, List<RpcInterface> served, Duration idleTimeout,
                                  IntConsumer faults, java.util.function.Consumer<RpcProtocolException> protocolErrors)
            throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(address, 128);
        RpcServer s = new RpcServer(ss, served, idleTimeout, faults, protocolErrors);
        s.acceptor.start();
        return s;
    }

    private static String key(java.util.UUID uuid, int major) {
        return uuid + "/" + major;
    }

    public int port() {
        return listener.getLocalPort();
    }

    RpcInterface lookup(SyntaxId abstractSyntax) {
        return interfaces.get(key(abstractSyntax.uuid(), abstractSyntax.major()));
    }

    int newAssociationGroup() {
        return groups.incrementAndGet();
    }

    /** Accepts binds with auth type {@code authType}, each association getting a fresh context. */
    public RpcServer withSecurity(int authType, java.util.function.Supplier<RpcSecurity> factory) {
        securities.put(authType, factory);
        return this;
    }

    java.util.function.Supplier<RpcSecurity> security(int authType) {
        return securities.get(authType);
    }

    void authFailure(RpcProtocolException e) {
        protocolErrors.accept(e);
    }

    void fault(int status) {
        faults.accept(status);
    }

    void protocolError(RpcProtocolException e) {
        protocolErrors.accept(e);
    }

    void closed(Association a) {
        associations.remove(a);
    }

    /** Associations open now. */
    public int associations() {
        return associations.size();
    }

    /** Registers an association on {@code connection}; the caller runs it. */
    Association serve(Connection connection) throws IOException {
        Association a = new Association(connection, this);
        associations.add(a);
        return a;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
                s.setTcpNoDelay(true);
                Thread.ofVirtual().name("rpc-assoc").start(serve(Connection.of(s))::run);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("accept on port {} failed: {}", listener.getLocalPort(), e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        associations.forEach(Association::close);
    }
}
