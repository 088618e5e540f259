package dev.sambasidecars.common.net;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The IP addresses of this host's interfaces: how a daemon finds which node it is. */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /** Every interface address, without the scope id link-local IPv6 addresses carry; empty when none can be read. */
    public static List<InetAddress> list() {
        List<InetAddress> out = new ArrayList<>();
        try {
            NetworkInterface.networkInterfaces()
                    .forEach(ni -> ni.inetAddresses().forEach(a -> {
                        try {
                            out.add(InetAddress.getByAddress(a.getAddress()));
                        } catch (UnknownHostException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
        } catch (SocketException e) {
            // No interface list: nothing can match, and callers say which addresses were seen.
        }
        return out;
    }

    /** Whether {@code address} is one of this host's. */
    public static boolean contains(InetAddress address) {
        return list().contains(address);
    }
}
