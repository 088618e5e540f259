package dev.sambasidecars.sidecarctl;

import com.google.common.net.InetAddresses;
import dev.sambasidecars.common.cli.ConfigArgs;
import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.lifecycle.ExitCode;
import dev.sambasidecars.common.tls.CertificateInfo;
import dev.sambasidecars.common.tls.ClusterTls;
import dev.sambasidecars.common.tls.CtdbNodesFile;
import dev.sambasidecars.common.tls.NodeSpec;
import dev.sambasidecars.common.tls.NodesFileException;
import dev.sambasidecars.common.tls.TlsException;
import dev.sambasidecars.common.tls.TlsFiles;
import dev.sambasidecars.common.tls.TlsInit;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sidecarctl tls …}: certificates for mutual TLS between the nodes. */
@Command(name = "tls", mixinStandardHelpOptions = true,
        description = "Certificates for mutual TLS between the nodes (gRPC between the sidecars of different nodes).",
        subcommands = {TlsCommand.Init.class, TlsCommand.Check.class})
final class TlsCommand extends Cli.Group {

    static InetAddress address(CommandLine cl, String option, String text) {
        String t = text.strip();
        if (!InetAddresses.isInetAddress(t)) {
            throw new CommandLine.ParameterException(cl, option + ": '" + text + "' is not an IP address");
        }
        return InetAddresses.forString(t);
    }

    @Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Makes a cluster CA and a certificate for each node, ready to copy to the nodes.",
                "EC P-256; the CA is valid 10 years, node certificates --days. Writes OUT/ca.pem and OUT/ca.key, and for each node "
                    + "OUT/<ip>/{ca.pem,node.pem,node.key}, to be copied into that node's tls directory "
                    + "(sidecar common:tls directory, default /etc/samba/sidecars/tls).",
                "OUT/ca.key never goes to a node: keep OUT on this machine (or offline); it is needed to add nodes.",
                "Without --force nothing is overwritten: a CA already in OUT issues certificates for nodes that have "
                    + "none yet (a new node, or one whose directory was removed to renew it). --force makes "
                    + "everything anew, CA included."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:written", "1:could not be written (existing files, no permission)",
                "2:bad arguments or nodes file"})
    static final class Init implements Callable<Integer> {
        private static final Pattern DNS_NAME =
                Pattern.compile("(?i)(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where to write (made when missing)")
        Path out;

        @ArgGroup(exclusive = true)
        Nodes nodes;

        static final class Nodes {
            @Option(names = "--nodes", split = ",", paramLabel = "IP",
                    description = "the nodes' CTDB addresses, comma separated")
            List<String> addresses;

            @Option(names = "--nodes-file", paramLabel = "FILE",
                    description = "read the addresses from a CTDB nodes file (the default: /etc/ctdb/nodes); "
                            + "deleted (#) nodes are skipped")
            Path file;
        }

        @Option(names = "--san", paramLabel = "IP=NAME",
                description = "one more name for node IP's certificate: a DNS name or another address of the node; "
                        + "repeatable")
        List<String> alternativeNames = new ArrayList<>();

        @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "samba-sidecars",
                description = "names the CA (default: ${DEFAULT-VALUE})")
        String clusterName;

        @Option(names = "--days", paramLabel = "N", defaultValue = "730",
                description = "validity of the node certificates in days (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--force", description = "overwrite existing files: a new CA and new node certificates")
        boolean force;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (days < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--days must be at least 1");
            }
            TlsInit.Result r;
            try {
                List<NodeSpec> specs = nodeSpecs();
                r = TlsInit.run(new TlsInit.Request(out(), specs, clusterName, Duration.ofDays(days), force),
                        Clock.systemUTC());
            } catch (NodesFileException e) {
                err.println("sidecarctl: " + e.getMessage());
                return ExitCode.USAGE;
            } catch (TlsException e) {
                err.println("sidecarctl: " + e.getMessage());
                return ExitCode.FAILURE;
            }
            report(out, r);
            out.flush();
            return ExitCode.OK;
        }

        private Path out() {
            return out.toAbsolutePath().normalize();
        }

        private List<NodeSpec> nodeSpecs() throws TlsException {
            CommandLine cl = spec.commandLine();
            List<InetAddress> addresses = new ArrayList<>();
            if (nodes != null && nodes.addresses != null) {
                for (String a : nodes.addresses) {
                    addresses.add(address(cl, "--nodes", a));
                }
            } else {
                addresses.addAll(CtdbNodesFile.read(nodes != null ? nodes.file : CtdbNodesFile.DEFAULT));
            }
            Map<InetAddress, NodeSpec> specs = new LinkedHashMap<>();
            addresses.forEach(a -> specs.putIfAbsent(a, NodeSpec.of(a)));
            for (String san : alternativeNames) {
                int eq = san.indexOf('=');
                if (eq < 0) {
                    throw new CommandLine.ParameterException(cl, "--san: '" + san + "' is not IP=NAME");
                }
                InetAddress node = address(cl, "--san", san.substring(0, eq));
                String name = san.substring(eq + 1).strip();
                NodeSpec s = specs.get(node);
                if (s == null) {
                    throw new CommandLine.ParameterException(cl, "--san: " + san.substring(0, eq).strip()
                            + " is none of the nodes");
                }
                if (InetAddresses.isInetAddress(name)) {
                    specs.put(node, s.withAddress(InetAddresses.forString(name)));
                } else if (DNS_NAME.matcher(name).matches()) {
                    specs.put(node, s.withDnsName(name));
                } else {
                    throw new CommandLine.ParameterException(cl, "--san: '" + name
                            + "' is neither an IP address nor a DNS name");
                }
            }
            return List.copyOf(specs.values());
        }

        private void report(PrintWriter out, TlsInit.Result r) {
            Instant now = Instant.now();
            out.printf("%s CA %s: %s, %s%n", r.caCreated() ? "made" : "reused the", r.caCertificate(),
                    r.ca().subject(), r.ca().validity(now));
            out.printf("CA key %s: keep it here or offline, never on a node (whoever reads it can make "
                    + "certificates every node trusts); tls init needs it to add nodes.%n%n", r.caKey());
            for (TlsInit.NodeResult n : r.nodes()) {
                String names = n.certificate().addresses().stream().map(InetAddresses::toAddrString)
                        .collect(Collectors.joining(", "));
                if (!n.certificate().dnsNames().isEmpty()) {
                    names += ", " + String.join(", ", n.certificate().dnsNames());
                }
                out.printf("node %s: %s/{%s,%s,%s} (names %s; %s)%n", n.node().directoryName(), n.directory(),
                        TlsFiles.CA_CERTIFICATE, TlsFiles.NODE_CERTIFICATE, TlsFiles.NODE_KEY, names,
                        n.certificate().validity(now));
            }
            String target = CommonOptions.TLS_DIRECTORY.defaultText();
            out.printf("%nCopy each node's three files into its tls directory ('sidecar common:tls directory', "
                    + "default %s), owned by the user the sidecars run as, node.key mode 0600, e.g.:%n", target);
            for (TlsInit.NodeResult n : r.nodes()) {
                String host = n.node().address().getAddress().length == 4 ? n.node().directoryName()
                        : "[" + n.node().directoryName() + "]";
                out.printf("  ssh root@%s install -d -m 0700 %s && scp -p %s/* root@%s:%s/%n", host, target,
                        n.directory(), host, target);
            }
            out.printf("then run on each node: sidecarctl tls check%n");
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Checks this node's tls directory as a daemon loads it and reports the certificates.",
                "The directory is 'sidecar common:tls directory'. Checked: each file present and parsable, node.key readable by its owner "
                    + "only, node.pem signed by the CA of ca.pem, both within their validity, node.pem naming this "
                    + "node's address (--address, or else any address of this host), no ca.key on the node.",
                "Warns on stderr when a certificate expires within --warn-days."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:usable", "1:not usable (the message names the file and what is wrong)",
                "2:bad arguments or configuration"})
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigArgs configArgs = new ConfigArgs();

        @Option(names = "--address", paramLabel = "IP",
                description = "this node's CTDB address, which its certificate must name "
                        + "(default: any address of this host)")
        String address;

        @Option(names = "--warn-days", paramLabel = "N", defaultValue = "30",
                description = "warn when a certificate expires within N days (default: ${DEFAULT-VALUE})")
        int warnDays;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            SidecarConfig config;
            try {
                config = configArgs.load();
            } catch (ConfigException e) {
                return Cli.configError(spec, e);
            }
            Path dir = TlsFiles.of(config).directory();
            ClusterTls tls;
            try {
                tls = address == null ? ClusterTls.loadForThisHost(dir)
                        : ClusterTls.load(dir, TlsCommand.address(spec.commandLine(), "--address", address));
            } catch (TlsException e) {
                err.println("sidecarctl: " + e.getMessage());
                err.flush();
                return ExitCode.FAILURE;
            }
            Instant now = Instant.now();
            out.printf("tls directory %s: usable for mutual TLS %s%n", dir, ClusterTls.PROTOCOLS);
            for (CertificateInfo ca : tls.cas()) {
                out.printf("  CA    %s (%s): %s%n", ca.subject(), TlsFiles.CA_CERTIFICATE, ca.validity(now));
            }
            CertificateInfo node = tls.node();
            List<String> names = new ArrayList<>(node.addresses().stream().map(InetAddresses::toAddrString).toList());
            names.addAll(node.dnsNames());
            out.printf("  node  %s (%s), names %s: %s%n", node.subject(), TlsFiles.NODE_CERTIFICATE,
                    String.join(", ", names), node.validity(now));
            Instant soon = now.plus(Duration.ofDays(warnDays));
            for (CertificateInfo c : concat(tls.cas(), node)) {
                if (c.notAfter().isBefore(soon)) {
                    err.printf("warning: %s %s; renew it with 'sidecarctl tls init' where ca.key is kept%n",
                            c.subject(), c.validity(now));
                }
            }
            out.flush();
            err.flush();
            return ExitCode.OK;
        }

        private static List<CertificateInfo> concat(List<CertificateInfo> cas, CertificateInfo node) {
            List<CertificateInfo> all = new ArrayList<>(cas);
            all.add(node);
            return all;
        }
    }
}
