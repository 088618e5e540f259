package dev.sambasidecars.witness.ndr;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sambasidecars.witness.epm.EndpointMapper;
import dev.sambasidecars.witness.fuzz.FuzzOracle;
import dev.sambasidecars.witness.fuzz.FuzzRun;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.RpcInterface;
import dev.sambasidecars.witness.msrpce.TestCalls;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes NDR unmarshalling: the endpoint mapper's and the witness interface's server stubs on
 * fuzzed [in] stubs, in NDR32 and NDR64, and {@link NdrReader}'s primitives driven by a fuzzed
 * program. Checks that they fail only with {@link NdrException} (or, for a stub, the
 * {@code RpcFaultException} an unserved operation gets); anything else is a finding.
 *
 * <p>Input layout, byte 0 the control byte: bit 0 selects NDR64; bits 1-2 the target (0 endpoint
 * mapper, 1 witness interface, 2 and 3 a reader program); bits 3-7 the opnum for a stub. A stub
 * target takes the rest of the input as its stub. A reader program has its length in byte 1,
 * that many operation bytes (low nibble the primitive, high nibble its argument, see
 * {@link #step}), then the stub they read.
 */
class NdrStubsFuzzTest {
    @RegisterExtension
    static final FuzzRun RUN = new FuzzRun();

    static final int TARGET_EPM = 0;
    static final int TARGET_WITNESS = 1;
    static final int TARGET_PROGRAM = 2;
    /** {@link NdrReader#count} element sizes a program can choose (552: WITNESS_INTERFACE_INFO). */
    private static final int[] ELEMENT_SIZES = {1, 2, 4, 8, 16, 20, 552, 0};

    private static final RpcInterface EPM = new EndpointMapper(List.of(
            new EndpointMapper.Endpoint(WitnessInterface.SYNTAX, 49152)));
    /** The whole Witness interface: stubs of every opnum reach the registration service. */
    private static final RpcInterface WITNESS = new WitnessInterface(call -> nodes(), FuzzServices.witness(),
            AuthTrailer.LEVEL_NONE);

    private static List<InterfaceInfo> nodes() {
        try {
            return List.of(new InterfaceInfo("NODE1", -1, InterfaceInfo.STATE_AVAILABLE,
                    InetAddress.getByName("192.0.2.1"), true));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void stub(byte[] data) throws Exception {
        RUN.input();
        if (data.length == 0) {
            return;
        }
        int control = data[0] & 0xff;
        NdrSyntax syntax = (control & 1) != 0 ? NdrSyntax.NDR64 : NdrSyntax.NDR32;
        int target = (control >> 1) & 3;
        int opnum = control >> 3;
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        switch (target) {
            case TARGET_EPM -> FuzzOracle.expectTyped(() -> EPM.invoke(TestCalls.call(1), opnum % 8, rest, syntax));
            case TARGET_WITNESS -> FuzzOracle.expectTyped(
                    () -> WITNESS.invoke(TestCalls.call(1), opnum % 6, rest, syntax));
            default -> FuzzOracle.expectTyped(() -> program(rest, syntax));
        }
    }

    /** Runs the program at the start of {@code input} over the stub after it. */
    private static void program(byte[] input, NdrSyntax syntax) throws NdrException {
        if (input.length == 0) {
            return;
        }
        int length = Math.min(input[0] & 0xff, input.length - 1);
        byte[] ops = Arrays.copyOfRange(input, 1, 1 + length);
        NdrReader r = new NdrReader(Arrays.copyOfRange(input, 1 + length, input.length), syntax);
        int last = 0;
        for (byte op : ops) {
            last = step(r, op & 0x0f, (op >> 4) & 0x0f, last);
        }
    }

    /**
     * One primitive: 0 u8, 1 u16, 2 u32, 3 u64, 4 wide, 5 pointer, 6 count (max 1024, element size
     * chosen by the argument), 7 bytes of the last count, 8 argument+1 bytes, 9 align to
     * 2^(argument&3), 10 uuid, 11 conformant varying string, 12 fixed string (argument chars, 0 for
     * the 260 of a group name), 13 end, 14 and 15 remaining. Returns the new "last count".
     */
    static int step(NdrReader r, int primitive, int argument, int last) throws NdrException {
        switch (primitive) {
            case 0 -> r.u8("u8");
            case 1 -> r.u16("u16");
            case 2 -> r.u32("u32");
            case 3 -> r.u64("u64");
            case 4 -> r.wide("wide");
            case 5 -> r.pointer("pointer");
            case 6 -> {
                return r.count("count", 1024, ELEMENT_SIZES[argument & 7]);
            }
            case 7 -> r.bytes(last, "counted bytes");
            case 8 -> r.bytes(argument + 1, "bytes");
            case 9 -> r.align(1 << (argument & 3));
            case 10 -> r.uuid("uuid");
            case 11 -> r.conformantVaryingString("string", 1024);
            case 12 -> r.fixedString(argument == 0 ? 260 : argument, "fixed string");
            case 13 -> r.end();
            default -> r.remaining();
        }
        return last;
    }
}
