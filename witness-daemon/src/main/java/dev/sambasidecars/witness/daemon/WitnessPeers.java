package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.api.v1.WitnessAdminGrpc.WitnessAdminBlockingStub;
import java.util.List;
import java.util.function.Function;

/** The other nodes' witness daemons, for operations on the whole cluster. */
interface WitnessPeers {

    /** One node's answer, or why there is none. */
    record Answer<T>(int pnn, T value, String error) {}

    /** Asks every other node; never throws for a node that fails, it reports it. */
    <T> List<Answer<T>> ask(Function<WitnessAdminBlockingStub, T> call);

    /** No other node reachable: for a single node, and until TLS between nodes is set up. */
    WitnessPeers NONE = new WitnessPeers() {
        @Override
        public <T> List<Answer<T>> ask(Function<WitnessAdminBlockingStub, T> call) {
            return List.of();
        }
    };
}
