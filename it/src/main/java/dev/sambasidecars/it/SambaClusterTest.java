package dev.sambasidecars.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against one real Samba + CTDB cluster, started once for the class and
 * injected as a {@link SambaCluster} parameter. Needs a Docker engine: without one the class is
 * skipped and says so.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SambaClusterExtension.class)
@Tag("cluster")
public @interface SambaClusterTest {
    /** Number of nodes. */
    int nodes() default 3;
}
