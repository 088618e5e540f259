package dev.sambasidecars.witness.msswn;

import dev.sambasidecars.witness.msrpce.PresentationContext;
import dev.sambasidecars.witness.msrpce.RpcClient;
import dev.sambasidecars.witness.msrpce.RpcProtocolException;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * WitnessrGetInterfaceList (MS-SWN 3.1.4.1, opnum 0): no [in] parameters; [out] a unique pointer to
 * WITNESS_INTERFACE_LIST (NumberOfInterfaces, then a unique pointer to that many
 * WITNESS_INTERFACE_INFO of 552 bytes each) and the WERROR. The server marshals the answer, a
 * client unmarshals it with every count checked.
 */
public final class GetInterfaceList {
    private GetInterfaceList() {}

    public static final int OPNUM = 0;
    /** WERROR ERROR_NO_MORE_ITEMS: the list is empty. */
    public static final int ERROR_NO_MORE_ITEMS = 0x103;
    /** Bytes of one WITNESS_INTERFACE_INFO: name, version, state and padding, addresses, flags. */
    static final int INFO_SIZE = InterfaceInfo.GROUP_NAME_CHARS * 2 + 4 + 4 + 4 + 16 + 4;
    /** A client accepts at most this many interfaces. */
    public static final int MAX_INTERFACES = 4096;

    /** The unmarshalled [out] parameters. */
    public record Result(List<InterfaceInfo> interfaces, int status) {
        public Result {
            interfaces = List.copyOf(interfaces);
        }
    }

    /** The [out] parameters for {@code list}; ERROR_NO_MORE_ITEMS with a null array when it is empty. */
    public static byte[] encodeResponse(List<InterfaceInfo> list, NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax).pointer(true).u32(list.size()).pointer(!list.isEmpty());
        if (!list.isEmpty()) {
            w.wide(list.size());
            for (InterfaceInfo i : list) {
                w.fixedString(i.groupName(), InterfaceInfo.GROUP_NAME_CHARS).u32(i.version()).u16(i.state())
                        .align(4).bytes(i.ipv4()).bytes(i.ipv6()).u32(i.flags());
            }
        }
        return w.align(4).u32(list.isEmpty() ? ERROR_NO_MORE_ITEMS : 0).toByteArray();
    }

    /** Reads the [out] parameters; the address of each entry is the one its flags name. */
    public static Result decodeResponse(byte[] stub, NdrSyntax syntax) throws NdrException {
        NdrReader r = new NdrReader(stub, syntax);
        if (!r.pointer("InterfaceList")) {
            throw new NdrException("null InterfaceList");
        }
        int number = r.u32("NumberOfInterfaces");
        List<InterfaceInfo> list = new ArrayList<>();
        if (r.pointer("InterfaceInfo")) {
            int count = r.count("InterfaceInfo size_is", MAX_INTERFACES, INFO_SIZE);
            if (count != number) {
                throw new NdrException("NumberOfInterfaces " + number + " but " + count + " entries");
            }
            for (int i = 0; i < count; i++) {
                list.add(info(r));
            }
        } else if (number != 0) {
            throw new NdrException("NumberOfInterfaces " + number + " without entries");
        }
        int status = r.u32("WERROR");
        r.end();
        return new Result(list, status);
    }

    private static InterfaceInfo info(NdrReader r) throws NdrException {
        String name = r.fixedString(InterfaceInfo.GROUP_NAME_CHARS, "InterfaceGroupName");
        int version = r.u32("Version");
        int state = r.u16("State");
        r.align(4);
        byte[] v4 = r.bytes(4, "IPV4");
        byte[] v6 = r.bytes(16, "IPV6");
        int flags = r.u32("Flags");
        boolean ipv4 = (flags & InterfaceInfo.IPV4) != 0;
        if (ipv4 == ((flags & InterfaceInfo.IPV6) != 0)) {
            throw new NdrException(String.format("interface %s has flags 0x%x: not exactly one of IPv4 and IPv6",
                    name, flags));
        }
        try {
            InetAddress address = InetAddress.getByAddress(ipv4 ? v4 : v6);
            return new InterfaceInfo(name, version, state, address, (flags & InterfaceInfo.INTERFACE_WITNESS) == 0);
        } catch (UnknownHostException e) {
            throw new NdrException("bad address of interface " + name);
        }
    }

    /** Calls GetInterfaceList on a context bound to the Witness interface. */
    public static Result call(RpcClient client, PresentationContext context) throws IOException, RpcProtocolException,
            InterruptedException, NdrException {
        return decodeResponse(client.call(context, OPNUM, new byte[0]), context.ndr());
    }
}
