// The attachments check (checks.attachments): reads each message as it streams in (MIME parsed
// by Mime4j on the reader's own virtual thread, see BackgroundScan) and refuses blocked file
// types (XM-RJCT44/45/46), over-long names (47), deceptive names (64), archive bombs (60),
// encrypted (61) or damaged (62) archives and MIME beyond the parser's limits (63). A scan that
// fails or falls behind gives 451 4.3.0 XM-RJCT66: a fault never loses mail nor bounces it.
package org.mxfront.checks.attachments;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.mxfront.checks.CheckContext;
import org.mxfront.codes.Code;
import org.mxfront.content.BackgroundScan;
import org.mxfront.content.ContentMeters;
import org.mxfront.policy.Facts;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Attachment policy at END_OF_DATA, fed while DATA streams. */
public final class AttachmentCheck implements MessageCheck {
    private static final Logger LOG = LoggerFactory.getLogger(AttachmentCheck.class);
    static final int CHUNK = 64 * 1024;
    static final int QUEUED_CHUNKS = 4;

    private final AttachmentConfig config;
    private final Set<String> blocked;
    private final Set<String> outlook;
    private final Set<String> winzip;
    private final ContentMeters meters;
    private final BackgroundScan.Scanner<Verdict> scanner;

    public AttachmentCheck(AttachmentConfig config, CheckContext ctx) {
        this(config, ctx, null);
    }

    /** With another scanner (tests: a stuck or failing one); null for the attachment scanner. */
    AttachmentCheck(AttachmentConfig config, CheckContext ctx, BackgroundScan.Scanner<Verdict> scanner) {
        this.config = config;
        this.blocked = Set.copyOf(new HashSet<>(config.blockedExtensions()));
        this.outlook = Set.copyOf(new HashSet<>(config.outlookBlockedExtensions()));
        this.winzip = Set.copyOf(new HashSet<>(config.winzipExploitExtensions()));
        this.meters = new ContentMeters(ctx.registry(), "attachments");
        this.scanner = scanner != null ? scanner : in -> scanner().scan(in);
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.END_OF_DATA); }

    @Override
    public Verdict evaluate(Stage stage, Facts facts) { return Verdict.CONTINUE; }

    /** A scanner for one message, without the threading (tests and benchmarks call it directly). */
    AttachmentScanner scanner() {
        return new AttachmentScanner(config, blocked, outlook, winzip);
    }

    @Override
    public MessageReader open(Facts facts) {
        BackgroundScan<Verdict> scan = new BackgroundScan<>("attachments-scan", CHUNK, QUEUED_CHUNKS, config.scanTimeout(),
                scanner);
        return new MessageReader() {
            long bytes;

            @Override
            public void write(byte[] buf, int off, int len) {
                bytes += len;
                scan.write(buf, off, len);
            }

            @Override
            public boolean mayBlock(int len) {
                return scan.mayBlock(len);
            }

            /** A message within one chunk is scanned at finish from memory (CPU only); else the scan may still run. */
            @Override
            public boolean finishMayBlock() {
                return scan.finishMayBlock();
            }

            @Override
            public Verdict finish(Facts f) {
                Verdict v;
                try {
                    v = scan.finish(config.scanTimeout());
                } catch (TimeoutException e) {
                    LOG.warn("attachment scan for {} did not finish within {}", f.client().logName(), config.scanTimeout());
                    v = Verdict.defer(Code.CONTENT_SCAN_FAILED, Map.of());
                } catch (ExecutionException e) {
                    LOG.error("attachment scan for {} failed", f.client().logName(), e.getCause());
                    v = Verdict.defer(Code.CONTENT_SCAN_FAILED, Map.of());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    v = Verdict.defer(Code.CONTENT_SCAN_FAILED, Map.of());
                }
                meters.scanned(result(v), bytes, scan.busyNanos());
                return v;
            }

            @Override
            public void close() {
                scan.close();
            }
        };
    }

    /** The {@code result} tag of mxfront_content_messages_total for a verdict. */
    private static String result(Verdict v) {
        return switch (v) {
            case Verdict.Reject r -> "rejected";
            case Verdict.Defer d -> "deferred";
            case Verdict.Disconnect d -> "rejected";
            default -> "clean";
        };
    }
}
