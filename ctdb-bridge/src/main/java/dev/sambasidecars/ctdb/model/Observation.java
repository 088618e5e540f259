package dev.sambasidecars.ctdb.model;

import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import java.util.List;

/**
 * What one look at ctdbd found: whole state, not a change. The model turns the difference
 * between two observations into events.
 *
 * @param connected whether ctdbd answered (when false the rest is ignored)
 * @param thisPnn this node's pnn
 * @param nodes every node of the node map
 * @param publicIps every public IP with its owner
 * @param recoveryActive whether a database recovery is running
 * @param runstate this node's CTDB run state
 */
public record Observation(boolean connected, int thisPnn, List<Node> nodes, List<PublicIp> publicIps,
                          boolean recoveryActive, String runstate) {

    /** ctdbd could not be reached. */
    public static Observation disconnected() {
        return new Observation(false, -1, List.of(), List.of(), false, "");
    }
}
