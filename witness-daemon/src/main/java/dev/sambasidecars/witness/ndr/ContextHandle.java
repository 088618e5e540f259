package dev.sambasidecars.witness.ndr;

import java.util.UUID;

/**
 * An RPC context handle on the wire (C706 14.3.13 / MS-RPCE 2.2.5.2.3.1): 4 bytes of attributes
 * then a GUID, 20 bytes aligned to 4 in NDR32 and NDR64 alike. The all-zero handle is the null
 * handle a server returns when it closes one.
 */
public record ContextHandle(int attributes, UUID uuid) {
    public static final ContextHandle NULL = new ContextHandle(0, new UUID(0, 0));

    public boolean isNull() {
        return equals(NULL);
    }

    public static ContextHandle read(NdrReader r) throws NdrException {
        return new ContextHandle(r.u32("context handle attributes"), r.uuid("context handle uuid"));
    }

    public void write(NdrWriter w) {
        w.u32(attributes).uuid(uuid);
    }

    /** A fresh handle with a random GUID. */
    public static ContextHandle random() {
        return new ContextHandle(0, UUID.randomUUID());
    }
}
