package dev.sambasidecars.witness.epm;

import dev.sambasidecars.witness.msrpce.SyntaxId;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import dev.sambasidecars.witness.ndr.NdrWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * ept_map (C706 appendix O, opnum 3) marshalled both ways. [in]: a unique pointer to the object
 * UUID, a full pointer to the map tower (twr_t: conformance, tower_length, octets), the 20-byte
 * entry handle and max_towers. [out]: the entry handle, num_towers, a conformant varying array of
 * max_towers pointers to towers (the pointers first, then the towers they point to) and the status.
 */
public final class EptMap {
    private EptMap() {}

    public static final int OPNUM = 3;
    /** EPT_S_NOT_REGISTERED: no such interface here. */
    public static final int NOT_REGISTERED = 0x16c9a0d6;
    /** Towers a client accepts in one answer. */
    static final int MAX_TOWERS = 64;

    /** ept_map's [in] parameters; {@code tower} is null when the client sent none. */
    public record Request(UUID object, Tower tower, byte[] entryHandle, int maxTowers) {}

    /** ept_map's [out] parameters. */
    public record Response(byte[] entryHandle, List<Tower> towers, int status) {
        public Response {
            towers = List.copyOf(towers);
        }
    }

    /**
     * A request for {@code iface} in {@code transfer} over ncacn_ip_tcp, as Samba's rpcclient sends
     * one: a nil object, a tower with placeholder port and address, a null entry handle.
     */
    public static byte[] encodeRequest(SyntaxId iface, SyntaxId transfer, int maxTowers, NdrSyntax syntax) {
        byte[] tower = new Tower(iface, transfer, 0, null).encode();
        return new NdrWriter(syntax)
                .pointer(true).uuid(new UUID(0, 0))
                .pointer(true).wide(tower.length).u32(tower.length).bytes(tower).align(4)
                .bytes(new byte[20]).u32(maxTowers).toByteArray();
    }

    public static Request decodeRequest(byte[] stub, NdrSyntax syntax) throws NdrException {
        NdrReader r = new NdrReader(stub, syntax);
        UUID object = r.pointer("object") ? r.uuid("object") : null;
        Tower tower = r.pointer("map_tower") ? tower(r) : null;
        r.align(4);
        byte[] handle = r.bytes(20, "entry_handle");
        int maxTowers = r.u32("max_towers");
        return new Request(object, tower, handle, maxTowers);
    }

    /** twr_t: conformance, tower_length (equal to it) and the octets, decoded as a tower. */
    private static Tower tower(NdrReader r) throws NdrException {
        int conformance = r.count("tower conformance", Tower.MAX_BYTES, 1);
        int length = r.u32("tower_length");
        if (length != conformance) {
            throw new NdrException("tower_length " + length + " differs from its conformance " + conformance);
        }
        byte[] octets = r.bytes(length, "tower");
        try {
            return Tower.decode(octets);
        } catch (IllegalArgumentException e) {
            throw new NdrException("bad tower: " + e.getMessage());
        }
    }

    /** The answer with {@code towers} (at most max_towers of them); size_is is max_towers, as Windows sends it. */
    public static byte[] encodeResponse(byte[] entryHandle, int maxTowers, List<Tower> towers, int status,
                                        NdrSyntax syntax) {
        NdrWriter w = new NdrWriter(syntax).bytes(entryHandle);
        w.u32(towers.size()).wide(Integer.toUnsignedLong(maxTowers)).wide(0).wide(towers.size());
        List<byte[]> octets = new ArrayList<>();
        for (Tower t : towers) {
            octets.add(t.encode());
            w.pointer(true);
        }
        for (byte[] o : octets) {
            w.wide(o.length).u32(o.length).bytes(o).align(4);
        }
        return w.u32(status).toByteArray();
    }

    public static Response decodeResponse(byte[] stub, NdrSyntax syntax) throws NdrException {
        NdrReader r = new NdrReader(stub, syntax);
        byte[] handle = r.bytes(20, "entry_handle");
        int num = r.u32("num_towers");
        long max = r.wide("towers max_count");
        long offset = r.wide("towers offset");
        int actual = r.count("towers actual_count", MAX_TOWERS, syntax.wideSize());
        if (offset != 0 || actual > max || num != actual) {
            throw new NdrException("tower array: num_towers " + num + ", max " + max + ", offset " + offset
                    + ", actual " + actual);
        }
        boolean[] present = new boolean[actual];
        for (int i = 0; i < actual; i++) {
            present[i] = r.pointer("tower pointer");
        }
        List<Tower> towers = new ArrayList<>();
        for (boolean p : present) {
            if (p) {
                towers.add(tower(r));
            }
        }
        int status = r.u32("status");
        r.end();
        return new Response(Arrays.copyOf(handle, handle.length), towers, status);
    }
}
