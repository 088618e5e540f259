package dev.sambasidecars.witness.ndr;

import dev.sambasidecars.witness.epm.EndpointMapper;
import dev.sambasidecars.witness.fuzz.FuzzStubs;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seed inputs of {@link NdrStubsFuzzTest}: rpcclient-shaped ept_map requests and GetInterfaceList
 * calls in both syntaxes, and reader programs that unmarshal the Windows Server 2012 witness
 * captures field by field as MS-SWN's IDL lays them out.
 */
public final class NdrSeeds {
    private NdrSeeds() {}

    private static byte control(int target, int opnum, NdrSyntax syntax) {
        return (byte) (opnum << 3 | target << 1 | (syntax == NdrSyntax.NDR64 ? 1 : 0));
    }

    private static byte[] stubInput(int target, int opnum, NdrSyntax syntax, byte[] stub) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(control(target, opnum, syntax));
        out.writeBytes(stub);
        return out.toByteArray();
    }

    private static byte[] program(NdrSyntax syntax, byte[] stub, int... ops) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(control(NdrStubsFuzzTest.TARGET_PROGRAM, 0, syntax));
        out.write(ops.length);
        for (int op : ops) {
            out.write(op);
        }
        out.writeBytes(stub);
        return out.toByteArray();
    }

    // Reader program operations (see NdrStubsFuzzTest.step).
    private static final int U16 = 1;
    private static final int U32 = 2;
    private static final int POINTER = 5;
    private static final int COUNT_BYTES = 0x06;
    private static final int COUNT_INTERFACE_INFO = 0x66;
    private static final int COUNTED_BYTES = 7;
    private static final int BYTES_4 = 0x38;
    private static final int BYTES_16 = 0xf8;
    private static final int ALIGN_4 = 0x29;
    private static final int UUID = 10;
    private static final int STRING = 11;
    private static final int GROUP_NAME = 12;
    private static final int END = 13;

    public static Map<String, byte[]> seeds() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        for (NdrSyntax syntax : NdrSyntax.values()) {
            String n = syntax.name().toLowerCase(java.util.Locale.ROOT);
            s.put("epm-map-witness-" + n, stubInput(NdrStubsFuzzTest.TARGET_EPM, 3, syntax,
                    FuzzStubs.eptMap(syntax, WitnessInterface.SYNTAX, true, 4)));
            s.put("epm-map-unknown-" + n, stubInput(NdrStubsFuzzTest.TARGET_EPM, 3, syntax,
                    FuzzStubs.eptMap(syntax, EndpointMapper.SYNTAX, false, 1)));
            s.put("epm-lookup-handle-free-" + n, stubInput(NdrStubsFuzzTest.TARGET_EPM, 4, syntax,
                    FuzzStubs.eptLookupHandleFree()));
            s.put("witness-getinterfacelist-" + n, stubInput(NdrStubsFuzzTest.TARGET_WITNESS, 0, syntax, new byte[0]));
        }
        int[] register = {U32, POINTER, STRING, POINTER, STRING, POINTER, STRING, END};
        s.put("capture-register-in", program(NdrSyntax.NDR32, WitnessCapturesTest.capture("register-in"), register));
        s.put("register-in-ndr64", program(NdrSyntax.NDR64, WitnessCapturesTest.writeRegister(
                new WitnessCapturesTest.Register(0x00020000, "sofs", "fd00::5", null), NdrSyntax.NDR64), register));
        s.put("capture-register-out", program(NdrSyntax.NDR32, WitnessCapturesTest.capture("register-out"),
                U32, UUID, U32, END));
        s.put("capture-unregister-in", program(NdrSyntax.NDR32, WitnessCapturesTest.capture("unregister-in"),
                U32, UUID, END));
        s.put("capture-asyncnotify-in", program(NdrSyntax.NDR32, WitnessCapturesTest.capture("asyncnotify-in"),
                U32, UUID, END));
        s.put("capture-asyncnotify-out", program(NdrSyntax.NDR32, WitnessCapturesTest.capture("asyncnotify-out"),
                POINTER, U32, U32, U32, POINTER, COUNT_BYTES, COUNTED_BYTES, ALIGN_4, U32, END));
        int[] element = {GROUP_NAME, U32, U16, ALIGN_4, BYTES_4, BYTES_16, U32};
        int[] list = new int[4 + 2 * element.length + 2];
        int at = 0;
        for (int op : new int[] {POINTER, U32, POINTER, COUNT_INTERFACE_INFO}) {
            list[at++] = op;
        }
        for (int i = 0; i < 2; i++) {
            for (int op : element) {
                list[at++] = op;
            }
        }
        list[at++] = U32;
        list[at] = END;
        s.put("capture-getinterfacelist-out", program(NdrSyntax.NDR32,
                WitnessCapturesTest.capture("getinterfacelist-out"), list));
        return s;
    }
}
