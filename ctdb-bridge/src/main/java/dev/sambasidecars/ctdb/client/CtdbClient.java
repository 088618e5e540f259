package dev.sambasidecars.ctdb.client;

import dev.sambasidecars.ctdb.protocol.ControlFailedException;
import dev.sambasidecars.ctdb.protocol.ControlOpcode;
import dev.sambasidecars.ctdb.protocol.CtdbBuffer;
import dev.sambasidecars.ctdb.protocol.CtdbProtocolException;
import dev.sambasidecars.ctdb.protocol.NodeAndFlags;
import dev.sambasidecars.ctdb.protocol.PacketHeader;
import dev.sambasidecars.ctdb.protocol.PublicIp;
import dev.sambasidecars.ctdb.protocol.PublicIpInfo;
import dev.sambasidecars.ctdb.protocol.ReplyControl;
import dev.sambasidecars.ctdb.protocol.RunState;
import dev.sambasidecars.ctdb.protocol.SockAddr;
import dev.sambasidecars.ctdb.protocol.TcpConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** The typed controls the bridge uses, over one {@link CtdbConnection}. */
public final class CtdbClient {
    private static final byte[] NONE = new byte[0];

    private final CtdbConnection conn;
    private final Duration timeout;

    public CtdbClient(CtdbConnection conn, Duration timeout) {
        this.conn = conn;
        this.timeout = timeout;
    }

    public CtdbConnection connection() {
        return conn;
    }

    private ReplyControl call(int destnode, int opcode, long srvid, int flags, byte[] data)
            throws IOException, InterruptedException, CtdbProtocolException {
        ReplyControl r = conn.control(destnode, opcode, srvid, flags, data, timeout);
        if (r.status() != 0 && opcode != ControlOpcode.GET_PNN && opcode != ControlOpcode.GET_RECMODE
                && opcode != ControlOpcode.GET_PID) {
            throw new ControlFailedException(opcode, r.status(), r.error());
        }
        return r;
    }

    /** This node's pnn (GET_PNN answers in the status). */
    public int pnn() throws IOException, InterruptedException, CtdbProtocolException {
        return call(PacketHeader.CURRENT_NODE, ControlOpcode.GET_PNN, 0, 0, NONE).status();
    }

    /** ctdbd's process id. */
    public int pid() throws IOException, InterruptedException, CtdbProtocolException {
        return call(PacketHeader.CURRENT_NODE, ControlOpcode.GET_PID, 0, 0, NONE).status();
    }

    /** Every node CTDB knows, deleted ones included, with its flags. */
    public List<NodeAndFlags> nodemap() throws IOException, InterruptedException, CtdbProtocolException {
        return NodeAndFlags.decodeMap(call(PacketHeader.CURRENT_NODE, ControlOpcode.GET_NODEMAP, 0, 0, NONE).reader());
    }

    /** The public IPs node {@code destnode} knows, with their owners in its view. */
    public List<PublicIp> publicIps(int destnode, boolean onlyAvailable)
            throws IOException, InterruptedException, CtdbProtocolException {
        int flags = onlyAvailable ? ControlOpcode.FLAG_PUBLIC_IPS_ONLY_AVAILABLE : 0;
        return PublicIp.decodeList(call(destnode, ControlOpcode.GET_PUBLIC_IPS, 0, flags, NONE).reader());
    }

    /** Where {@code ip} may live on node {@code destnode} and which interface is active. */
    public PublicIpInfo publicIpInfo(int destnode, InetAddress ip)
            throws IOException, InterruptedException, CtdbProtocolException {
        CtdbBuffer b = CtdbBuffer.writer(SockAddr.SIZE);
        SockAddr.encode(b, new InetSocketAddress(ip, 0));
        return PublicIpInfo.decode(call(destnode, ControlOpcode.GET_PUBLIC_IP_INFO, 0, 0, b.toArray()).reader());
    }

    public RunState runstate() throws IOException, InterruptedException, CtdbProtocolException {
        ReplyControl r = call(PacketHeader.CURRENT_NODE, ControlOpcode.GET_RUNSTATE, 0, 0, NONE);
        return RunState.of(r.reader().i32("runstate"));
    }

    /** True while this node's database recovery is active (GET_RECMODE answers in the status). */
    public boolean recoveryActive() throws IOException, InterruptedException, CtdbProtocolException {
        return call(PacketHeader.CURRENT_NODE, ControlOpcode.GET_RECMODE, 0, 0, NONE).status() != 0;
    }

    /** Asks ctdbd to deliver messages sent to {@code srvid} to this connection. */
    public void registerSrvid(long srvid) throws IOException, InterruptedException, CtdbProtocolException {
        call(PacketHeader.CURRENT_NODE, ControlOpcode.REGISTER_SRVID, srvid, 0, NONE);
    }

    public void deregisterSrvid(long srvid) throws IOException, InterruptedException, CtdbProtocolException {
        call(PacketHeader.CURRENT_NODE, ControlOpcode.DEREGISTER_SRVID, srvid, 0, NONE);
    }

    /**
     * Registers a TCP connection a client made to one of this node's public IPs, so that CTDB
     * sends tickle ACKs for it when the address moves. The registration lives as long as this
     * ctdbd connection.
     */
    public void tcpClient(TcpConnection c) throws IOException, InterruptedException, CtdbProtocolException {
        call(PacketHeader.CURRENT_NODE, ControlOpcode.TCP_CLIENT, 0, 0, c.encode());
    }

    /** Forgets one {@link #tcpClient} registration (Samba 4.20+; older ctdbd fail it). */
    public void tcpClientDisconnected(TcpConnection c) throws IOException, InterruptedException, CtdbProtocolException {
        call(PacketHeader.CURRENT_NODE, ControlOpcode.TCP_CLIENT_DISCONNECTED, 0, 0, c.encode());
    }
}
