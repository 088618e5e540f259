package dev.sambasidecars.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where a process is in the host's control groups, from {@code /proc/PID/cgroup}. */
final class Cgroups {

    private Cgroups() {}

    /** Its group's path (e.g. "/docker/ID") in the cgroup v1 hierarchy holding {@code controller}. */
    static Optional<String> v1Path(long pid, String controller) throws IOException {
        return find(pid, f -> !f[0].equals("0") && List.of(f[1].split(",")).contains(controller));
    }

    /** Its group's path in the cgroup v2 (unified) hierarchy. */
    static Optional<String> v2Path(long pid) throws IOException {
        return find(pid, f -> f[0].equals("0") && f[1].isEmpty());
    }

    private static Optional<String> find(long pid, java.util.function.Predicate<String[]> which) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] f = line.split(":", 3); // hierarchy-id:controllers:path
            if (f.length == 3 && which.test(f)) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }
}
