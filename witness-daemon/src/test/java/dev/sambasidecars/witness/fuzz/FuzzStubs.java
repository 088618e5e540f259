package dev.sambasidecars.witness.fuzz;

import dev.sambasidecars.witness.epm.Tower;
import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.util.UUID;

/** Well-formed request stubs for seed inputs, marshalled as rpcclient marshals them. */
public final class FuzzStubs {
    private FuzzStubs() {}

    /** ept_map's [in] parameters asking for {@code iface} over NDR 2.0 and TCP. */
    public static byte[] eptMap(NdrSyntax syntax, SyntaxId iface, boolean withObject, int maxTowers) {
        byte[] tower = new Tower(iface, SyntaxId.NDR32, 0, null).encode();
        NdrWriter w = new NdrWriter(syntax).pointer(withObject);
        if (withObject) {
            w.uuid(new UUID(0, 0));
        }
        return w.pointer(true).wide(tower.length).u32(tower.length).bytes(tower).align(4)
                .bytes(new byte[20]).u32(maxTowers).toByteArray();
    }

    /** ept_lookup_handle_free's [in] parameter: the 20-byte context handle. */
    public static byte[] eptLookupHandleFree() {
        return new byte[20];
    }
}
