package dev.sambasidecars.common.tls;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The names one node's certificate carries: its CTDB node address first, then any further
 * addresses and DNS names peers may dial it by.
 *
 * @param address the CTDB node address; also the certificate's common name
 * @param moreAddresses further IP addresses of the node
 * @param dnsNames DNS names of the node
 */
public record NodeSpec(InetAddress address, List<InetAddress> moreAddresses, List<String> dnsNames) {

    public NodeSpec {
        Objects.requireNonNull(address, "address");
        moreAddresses = List.copyOf(moreAddresses);
        dnsNames = List.copyOf(dnsNames);
    }

    /** A node known by its CTDB address only. */
    public static NodeSpec of(InetAddress address) {
        return new NodeSpec(address, List.of(), List.of());
    }

    /** Every IP address the certificate names, the node address first, without repeats. */
    public List<InetAddress> addresses() {
        LinkedHashSet<InetAddress> all = new LinkedHashSet<>();
        all.add(address);
        all.addAll(moreAddresses);
        return List.copyOf(all);
    }

    /** The same node naming one more address. */
    public NodeSpec withAddress(InetAddress more) {
        List<InetAddress> l = new ArrayList<>(moreAddresses);
        l.add(more);
        return new NodeSpec(address, l, dnsNames);
    }

    /** The same node naming one more DNS name. */
    public NodeSpec withDnsName(String name) {
        List<String> l = new ArrayList<>(dnsNames);
        l.add(name);
        return new NodeSpec(address, moreAddresses, l);
    }

    /** The address as the node's directory in {@code tls init}'s output is named. */
    public String directoryName() {
        return Certificates.text(address);
    }
}
