// The operators' list files (phishing addresses, blocked senders, blocked networks): one entry a
// line, '#' starts a comment, blank lines ignored. Read when a configuration is loaded, so a reload
// (SIGHUP, `mxfront reload`) re-reads them; a file that is missing or has a bad line fails that load
// (the running configuration stays) with the file and line named.
package org.mxfront.lists;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One list file's entries with their line numbers. */
public record ListFile(Path path, List<Entry> entries) {
    /** One entry: its text (trimmed, comment removed) and line number. */
    public record Entry(String text, int line) {}

    public ListFile {
        entries = List.copyOf(entries);
    }

    /** Reads a file; IllegalArgumentException naming the file when it cannot be read. */
    public static ListFile read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read list file " + path + ": " + e.getMessage());
        }
        return new ListFile(path, entries(lines));
    }

    /**
     * The entries of a list file's lines: '#' starts a comment, white space around an entry is
     * stripped, blank lines are skipped; line numbers count from 1. Also what the recipient table and
     * greylisting's allow-clients-file read their lines with.
     */
    public static List<Entry> entries(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int hash = l.indexOf('#');
            if (hash >= 0) l = l.substring(0, hash);
            l = l.strip();
            if (!l.isEmpty()) out.add(new Entry(l, i + 1));
        }
        return out;
    }

    /** An error about one entry, as "file:line: entry: problem". */
    public IllegalArgumentException error(Entry e, String problem) {
        return new IllegalArgumentException(path + ":" + e.line() + ": '" + e.text() + "': " + problem);
    }
}
