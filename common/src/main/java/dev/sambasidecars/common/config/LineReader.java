package dev.sambasidecars.common.config;

/**
 * Splits smb.conf text into logical lines with Samba's rules (see {@link SmbConfParser}) and
 * remembers the physical line each one starts on.
 */
final class LineReader {

    interface LineConsumer {
        void accept(String line, int lineNumber);
    }

    private final String text;
    private int pos;
    private int lineNo = 1;

    LineReader(String text) {
        this.text = text;
    }

    void forEach(LineConsumer consumer) {
        while (true) {
            // blank lines before a logical line must not count as where it starts
            skipBlanks();
            int start = lineNo;
            String line = next();
            if (line == null) {
                return;
            }
            if (!line.isEmpty()) {
                consumer.accept(line, start);
            }
        }
    }

    /** The next logical line, "" for a blank or comment line, null at the end. */
    private String next() {
        skipBlanks();
        if (pos >= text.length()) {
            return null;
        }
        char first = text.charAt(pos);
        if (first == '#' || first == ';') {
            skipToEndOfLine();
            return "";
        }
        StringBuilder buf = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\n') {
                lineNo++;
                int n = buf.length();
                if (n > 0 && buf.charAt(n - 1) == '\\') {
                    buf.setLength(n - 1);
                    continue;
                }
                if (n > 1 && buf.charAt(n - 2) == '\\' && Character.isWhitespace(buf.charAt(n - 1))) {
                    buf.setLength(n - 2);
                    continue;
                }
                break;
            }
            int n = buf.length();
            if (n > 0 && Character.isWhitespace(buf.charAt(n - 1)) && Character.isWhitespace(c)) {
                continue;
            }
            buf.append(c);
        }
        return buf.toString();
    }

    private void skipBlanks() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n' || !Character.isWhitespace(c)) {
                if (c == '\n') {
                    pos++;
                    lineNo++;
                    continue;
                }
                return;
            }
            pos++;
        }
    }

    private void skipToEndOfLine() {
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\n') {
                lineNo++;
                return;
            }
        }
    }
}
