// A configuration error that names the file, the line and the key, so an operator can fix it at once.
package org.mxfront.config;

/** Thrown for any invalid configuration; {@link #getMessage()} reads {@code file:line: key: problem}. */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final String key;
    private final String problem;

    public ConfigException(String file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
        this.file = file;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    public String file() { return file; }
    public int line() { return line; }
    public String key() { return key; }
    public String problem() { return problem; }
}
