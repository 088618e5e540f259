package dev.sambasidecars.common.tls;

import java.nio.file.Path;

/** A line of a CTDB nodes file that is not a node address; the message names file and line. */
public final class NodesFileException extends TlsException {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final int line;

    public NodesFileException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The nodes file. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when the problem is the whole file. */
    public int line() {
        return line;
    }
}
