package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.msnlmp.NtHashCredentials;
import dev.sambasidecars.witness.msnlmp.NtlmClientConfig;
import dev.sambasidecars.witness.msnlmp.NtlmRpcClientSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmRpcSecurity;
import dev.sambasidecars.witness.msnlmp.NtlmServerConfig;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/** The real RpcServer on loopback with a test interface and NTLMSSP, for the client's tests. */
final class ClientFixture implements AutoCloseable {
    static final SyntaxId ECHO = new SyntaxId(UUID.fromString("12345678-1234-abcd-ef00-0123456789ab"), 1, 0);
    static final String USER = "alice";
    static final String PASSWORD = "Secret-1";

    static final int REVERSE = 0;
    static final int HELD = 1;
    static final int SIZED = 2;
    static final int UNTIL_CANCELLED = 3;
    static final int WHOAMI = 4;

    final CountDownLatch release = new CountDownLatch(1);
    final List<Integer> faults = new CopyOnWriteArrayList<>();
    final List<RpcInterface> extra = new ArrayList<>();
    RpcServer server;

    /**
     * opnum 0 echoes the stub reversed; 1 waits until the test releases it, then answers 32 or 64
     * (the NDR in use); 2 answers as many bytes (i & 0xff) as the u32 stub says; 3 waits until the
     * client cancels it; 4 answers "user|level|ndr".
     */
    final RpcInterface echo = new RpcInterface() {
        @Override
        public SyntaxId syntax() {
            return ECHO;
        }

        @Override
        public int opnumCount() {
            return 5;
        }

        @Override
        public byte[] invoke(CallContext call, int opnum, byte[] stub, NdrSyntax syntax)
                throws RpcFaultException, InterruptedException {
            return switch (opnum) {
                case REVERSE -> {
                    byte[] out = new byte[stub.length];
                    for (int i = 0; i < stub.length; i++) {
                        out[i] = stub[stub.length - 1 - i];
                    }
                    yield out;
                }
                case HELD -> {
                    release.await();
                    yield new byte[] {(byte) (syntax == NdrSyntax.NDR64 ? 64 : 32)};
                }
                case SIZED -> {
                    byte[] out = new byte[ByteBuffer.wrap(stub).order(ByteOrder.LITTLE_ENDIAN).getInt()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (byte) i;
                    }
                    yield out;
                }
                case UNTIL_CANCELLED -> {
                    try {
                        yield call.await(new CompletableFuture<byte[]>(), Duration.ofSeconds(20));
                    } catch (TimeoutException e) {
                        throw new RpcFaultException(FaultStatus.OTHER, "not cancelled in time");
                    }
                }
                default -> (call.user() + "|" + call.authLevel() + "|" + syntax).getBytes(StandardCharsets.UTF_8);
            };
        }
    };

    ClientFixture start() throws IOException {
        List<RpcInterface> served = new ArrayList<>(List.of(echo));
        served.addAll(extra);
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), served,
                Duration.ofSeconds(30), faults::add, e -> { })
                .withSecurity(AuthTrailer.TYPE_NTLMSSP, () -> new NtlmRpcSecurity(
                        NtlmServerConfig.of("DOMAIN", "WITNESS1", "domain.example", "witness1.domain.example"),
                        NtHashCredentials.builder().password(USER, PASSWORD).build()));
        return this;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    }

    static NtlmRpcClientSecurity ntlm(String password) {
        return new NtlmRpcClientSecurity(NtlmClientConfig.password(USER, "DOMAIN", password).withWorkstation("CLIENT1"));
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Override
    public void close() {
        release.countDown();
        server.close();
    }
}
