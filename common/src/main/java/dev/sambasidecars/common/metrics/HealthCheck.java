package dev.sambasidecars.common.metrics;

/** One condition {@code /healthz} reports; a daemon registers one per thing it depends on. */
@FunctionalInterface
public interface HealthCheck {

    /** The outcome of one check. */
    record Status(boolean healthy, String detail) {
        public static Status up(String detail) {
            return new Status(true, detail);
        }

        public static Status down(String detail) {
            return new Status(false, detail);
        }
    }

    Status check();
}
