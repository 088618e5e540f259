package dev.sambasidecars.witness.epm;

import dev.sambasidecars.witness.epm.EndpointMapper.Endpoint;
import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.RpcFaultException;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.ContextHandle;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * ept_lookup (opnum 2) and ept_lookup_handle_free (opnum 4): the matching endpoints come back
 * max_ents at a time; the lookup handle, a context handle of the association, remembers where
 * the enumeration stands. The last entries come with status 0 and the handle still open; the
 * call after them gets no entries, EPT_S_NOT_REGISTERED (no more entries) and the null handle
 * (C706 appendix O; Samba's rpcclient epmlookup loops until that status).
 */
final class EptLookup {
    static final int ALL_ELEMENTS = 0;
    static final int MATCH_BY_IF = 1;
    static final int MATCH_BY_OBJ = 2;
    static final int MATCH_BY_BOTH = 3;
    /** EPT_S_CANT_PERFORM_OP, for an inquiry or version option this server does not know. */
    static final int CANT_PERFORM_OP = 0x6d8;

    private EptLookup() {}

    /** Where an enumeration stands. */
    private static final class Cursor {
        private final List<Endpoint> remaining;

        Cursor(List<Endpoint> matches) {
            this.remaining = new ArrayList<>(matches);
        }
    }

    /** The interface named in a lookup: uuid and version. */
    private record IfId(UUID uuid, int major, int minor) {}

    static byte[] lookup(CallContext call, NdrReader r, NdrSyntax syntax, List<Endpoint> endpoints)
            throws NdrException, RpcFaultException {
        int inquiry = r.u32("inquiry_type");
        UUID object = r.full("object", UUID.class, p -> p.uuid("object"));
        IfId ifId = r.full("interface_id", IfId.class, p -> new IfId(p.uuid("if uuid"), p.u16("vers_major"), p.u16("vers_minor")));
        int versOption = r.u32("vers_option");
        ContextHandle handle = ContextHandle.read(r);
        int maxEnts = r.u32("max_ents");
        r.end();

        Cursor cursor;
        if (handle.isNull()) {
            List<Endpoint> matches = new ArrayList<>();
            for (Endpoint e : endpoints) {
                Boolean m = matches(inquiry, object, ifId, versOption, e.iface());
                if (m == null) {
                    return reply(syntax, ContextHandle.NULL, maxEnts, List.of(), call, CANT_PERFORM_OP);
                }
                if (m) {
                    matches.add(e);
                }
            }
            cursor = new Cursor(matches);
            handle = call.handles().open(cursor, c -> { });
        } else {
            cursor = call.handles().get(handle, Cursor.class);
        }
        if (cursor.remaining.isEmpty()) {
            call.handles().close(handle);
            return reply(syntax, ContextHandle.NULL, maxEnts, List.of(), call, EndpointMapper.NOT_REGISTERED);
        }
        List<Endpoint> batch = new ArrayList<>();
        while (batch.size() < Integer.toUnsignedLong(maxEnts) && !cursor.remaining.isEmpty()) {
            batch.add(cursor.remaining.removeFirst());
        }
        return reply(syntax, handle, maxEnts, batch, call, 0);
    }

    static byte[] free(CallContext call, NdrReader r, NdrSyntax syntax) throws NdrException {
        ContextHandle handle = ContextHandle.read(r);
        r.end();
        call.handles().close(handle);
        NdrWriter w = new NdrWriter(syntax);
        ContextHandle.NULL.write(w);
        return w.u32(0).toByteArray();
    }

    /**
     * Whether {@code iface} answers the inquiry; null for an inquiry type or version option this
     * server does not know. Version options follow C706 (1 all, 2 compatible, 3 exact, 4 major
     * only, 5 up to); 0, which Samba's clients send for "all", is taken as all too.
     */
    static Boolean matches(int inquiry, UUID object, IfId ifId, int versOption, SyntaxId iface) {
        boolean byIf = inquiry == MATCH_BY_IF || inquiry == MATCH_BY_BOTH;
        boolean byObj = inquiry == MATCH_BY_OBJ || inquiry == MATCH_BY_BOTH;
        if (inquiry < ALL_ELEMENTS || inquiry > MATCH_BY_BOTH) {
            return null;
        }
        if (byObj && object != null && !object.equals(new UUID(0, 0))) {
            return false; // no endpoint here is registered with an object UUID
        }
        if (!byIf) {
            return true;
        }
        if (ifId == null || !ifId.uuid().equals(iface.uuid())) {
            return false;
        }
        return switch (versOption) {
            case 0, 1 -> true;
            case 2 -> ifId.major() == iface.major() && ifId.minor() <= iface.minor();
            case 3 -> ifId.major() == iface.major() && ifId.minor() == iface.minor();
            case 4 -> ifId.major() == iface.major();
            case 5 -> iface.major() < ifId.major() || iface.major() == ifId.major() && iface.minor() <= ifId.minor();
            default -> null;
        };
    }

    /**
     * [out] entry_handle, num_ents, entries (conformant varying: size_is(max_ents),
     * length_is(num_ents), each ept_entry_t = object GUID, tower pointer, annotation as an
     * embedded varying char string), status. Tower pointees follow the array.
     */
    private static byte[] reply(NdrSyntax syntax, ContextHandle handle, int maxEnts, List<Endpoint> entries,
                                CallContext call, int status) {
        NdrWriter w = new NdrWriter(syntax);
        handle.write(w);
        w.u32(entries.size());
        w.constructed(entries, (a, list) -> {
            a.wide(Integer.toUnsignedLong(maxEnts)).wide(0).wide(list.size());
            for (Endpoint e : list) {
                a.align(syntax == NdrSyntax.NDR64 ? 8 : 4).uuid(new UUID(0, 0));
                byte[] tower = new Tower(e.iface(), SyntaxId.NDR32, e.port(), call.local().getAddress()).encode();
                a.embeddedUnique(tower, (t, octets) -> t.wide(octets.length).u32(octets.length).bytes(octets));
                byte[] text = (e.annotation() + "\0").getBytes(StandardCharsets.US_ASCII);
                a.wide(0).wide(text.length).bytes(text);
            }
        });
        return w.align(4).u32(status).toByteArray();
    }
}
