package dev.sambasidecars.witness.msrpce;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link RpcClient} talks to a server.
 *
 * @param maxFrag the max_xmit_frag and max_recv_frag offered in the bind; fragments are cut to
 *     the smaller of this and what the server accepts
 * @param connectTimeout limit on the TCP connect
 * @param callTimeout how long a bind, alter_context or {@link RpcClient#call} waits for its answer
 * @param maxResponse largest reassembled response stub accepted; a larger one fails its call
 */
public record RpcClientOptions(int maxFrag, Duration connectTimeout, Duration callTimeout, int maxResponse) {

    /** The smallest fragment size offered: room for a header, a signed trailer and a little stub. */
    public static final int MIN_FRAG = 128;
    /** The 5840 bytes Windows and Samba offer. */
    public static final int DEFAULT_FRAG = 5840;

    /** 5840-byte fragments, 10 s to connect, 60 s per call, responses up to 16 MiB. */
    public static final RpcClientOptions DEFAULT =
            new RpcClientOptions(DEFAULT_FRAG, Duration.ofSeconds(10), Duration.ofSeconds(60), 16 << 20);

    /** Checks the ranges. */
    public RpcClientOptions {
        if (maxFrag < MIN_FRAG || maxFrag > 0xffff) {
            throw new IllegalArgumentException("maxFrag " + maxFrag + " outside " + MIN_FRAG + "..65535");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        if (maxResponse < 0) {
            throw new IllegalArgumentException("maxResponse " + maxResponse);
        }
    }

    public RpcClientOptions withMaxFrag(int n) {
        return new RpcClientOptions(n, connectTimeout, callTimeout, maxResponse);
    }

    public RpcClientOptions withCallTimeout(Duration d) {
        return new RpcClientOptions(maxFrag, connectTimeout, d, maxResponse);
    }

    public RpcClientOptions withConnectTimeout(Duration d) {
        return new RpcClientOptions(maxFrag, d, callTimeout, maxResponse);
    }

    public RpcClientOptions withMaxResponse(int n) {
        return new RpcClientOptions(maxFrag, connectTimeout, callTimeout, n);
    }
}
