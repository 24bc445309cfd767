// The virus check (checks.virus): keeps a copy of the message as it streams in (memory, then a
// spool file) and at the final dot streams it to clamd with INSTREAM. FOUND: 554 5.7.1 XM-RJCT10
// "Mail failed virus scan: NAME." clamd down, slow or erring: 451 4.3.0 XM-RJCT65, or accept when
// on-failure is accept (fail-open, logged and counted). Larger than max-stream-bytes: skip or
// reject (XM-RJCT67), never sent. Why at the final dot and not while DATA arrives: see ClamdClient.
package org.mxfront.checks.virus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.mxfront.checks.CheckContext;
import org.mxfront.checks.FirstFailureReader;
import org.mxfront.codes.Code;
import org.mxfront.content.ContentMeters;
import org.mxfront.content.FileNames;
import org.mxfront.content.Spool;
import org.mxfront.policy.Facts;
import org.mxfront.policy.MessageCheck;
import org.mxfront.policy.Stage;
import org.mxfront.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** clamd scan at END_OF_DATA. */
public final class VirusCheck implements MessageCheck {
    private static final Logger LOG = LoggerFactory.getLogger(VirusCheck.class);

    private final VirusConfig config;
    private final ClamdClient clamd;
    private final ContentMeters meters;
    private final Path spoolDir;

    public VirusCheck(VirusConfig config, CheckContext ctx) {
        this(config, ctx, new ClamdClient(ClamdClient.address(config.clamd()), config.connectTimeout(),
                config.scanTimeout(), config.chunkBytes()));
    }

    VirusCheck(VirusConfig config, CheckContext ctx, ClamdClient clamd) {
        this.config = config;
        this.clamd = clamd;
        this.meters = new ContentMeters(ctx.registry(), "virus");
        this.spoolDir = config.spoolDirectory().isBlank() ? null : Path.of(config.spoolDirectory());
    }

    @Override
    public Set<Stage> stages() { return Set.of(Stage.END_OF_DATA); }

    @Override
    public Verdict evaluate(Stage stage, Facts facts) { return Verdict.CONTINUE; }

    @Override
    public MessageReader open(Facts facts) {
        Spool spool = new Spool(config.spoolMemoryBytes(), spoolDir);
        return new FirstFailureReader() {
            @Override
            protected void accept(byte[] buf, int off, int len) throws IOException {
                spool.write(buf, off, len);
            }

            /** The spool is memory, then a local file: writing never waits on the network. */
            @Override
            public boolean mayBlock(int len) {
                return false;
            }

            @Override
            public Verdict finish(Facts f) {
                long t0 = System.nanoTime();
                long size = spool.size();
                if (failure() != null) return failed(f, "cannot spool the message: " + failure(), size, -1);
                if (size > config.maxStreamBytes()) return tooLarge(f, size);
                ClamdClient.Result r;
                try (InputStream in = spool.openStream()) {
                    r = clamd.scan(in);
                } catch (IOException e) {
                    return failed(f, "clamd " + config.clamd() + ": " + e.getMessage(), size, System.nanoTime() - t0);
                }
                long nanos = System.nanoTime() - t0;
                return switch (r) {
                    case ClamdClient.Result.Clean c -> {
                        meters.scanned("clean", size, nanos);
                        yield Verdict.CONTINUE;
                    }
                    case ClamdClient.Result.Found found -> {
                        meters.scanned("rejected", size, nanos);
                        yield Verdict.reject(Code.VIRUS_FOUND, Map.of("virus", FileNames.display(found.virus())));
                    }
                    case ClamdClient.Result.SizeLimit s -> tooLarge(f, size);
                    case ClamdClient.Result.Error e -> failed(f, "clamd " + config.clamd() + " answered: " + e.reply(), size, nanos);
                };
            }

            @Override
            public void close() {
                spool.close();
            }
        };
    }

    private Verdict tooLarge(Facts f, long size) {
        if (config.tooLarge() == VirusConfig.TooLarge.REJECT) {
            meters.scanned("rejected", size, -1);
            return Verdict.reject(Code.TOO_LARGE_TO_SCAN, Map.of("limit", Long.toString(config.maxStreamBytes())));
        }
        LOG.info("virus scan skipped for {}: {} bytes is over max-stream-bytes {}", f.client().logName(), size,
                config.maxStreamBytes());
        meters.scanned("skipped", size, -1);
        return Verdict.CONTINUE;
    }

    private Verdict failed(Facts f, String why, long size, long nanos) {
        if (config.onFailure() == VirusConfig.OnFailure.ACCEPT) {
            LOG.warn("virus scan failed for {}, accepting unscanned (on-failure: accept): {}", f.client().logName(), why);
            meters.scanned("fail-open", size, nanos);
            return Verdict.CONTINUE;
        }
        LOG.warn("virus scan failed for {}, deferring: {}", f.client().logName(), why);
        meters.scanned("deferred", size, nanos);
        return Verdict.defer(Code.VIRUS_SCANNER_UNAVAILABLE, Map.of());
    }
}
