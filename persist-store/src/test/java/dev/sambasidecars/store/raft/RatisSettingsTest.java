package dev.sambasidecars.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Properties;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Test;

class RatisSettingsTest {

    @Test
    void aPrefixedSystemPropertySetsItsRatisKeyOverTheStoresOwn() {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("16MB"));
        Properties system = new Properties();
        system.setProperty("sidecars.raft.raft.server.log.segment.size.max", "1MB");
        system.setProperty("sidecars.raft.raft.server.log.segment.cache.num.max", "1");
        system.setProperty("raft.server.log.purge.gap", "7");

        RatisSettings.overrides(p, system);

        assertEquals(SizeInBytes.valueOf("1MB").getSize(), RaftServerConfigKeys.Log.segmentSizeMax(p).getSize());
        assertEquals(1, RaftServerConfigKeys.Log.segmentCacheNumMax(p));
        assertNull(p.get("raft.server.log.purge.gap"), "only properties with the prefix set Ratis keys");
    }
}
