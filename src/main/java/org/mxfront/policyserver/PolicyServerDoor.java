// Placeholder for the Postfix policy-delegation door (issue 11, part 2), being built on a branch.
package org.mxfront.policyserver;

import java.time.Duration;
import org.mxfront.config.DaemonConfig;
import org.mxfront.door.Door;
import org.mxfront.metrics.MxMeters;

/** The policy-delegation door (not yet serving). */
public final class PolicyServerDoor implements Door {
    public PolicyServerDoor(DaemonConfig config, MxMeters meters) {
    }

    @Override public String name() { return "policy"; }
    @Override public void start() { throw new UnsupportedOperationException("policy-server: not built yet"); }
    @Override public int port() { return -1; }
    @Override public void update(DaemonConfig next) { }
    @Override public void drain(Duration grace) { }
    @Override public String notReady() { return "policy: not built yet"; }
    @Override public void close() { }
}
