// Settings of the received-hops check.
package org.mxfront.checks.hops;

/** @param max Received: header fields allowed (default 30, as Exim); more means a mail loop */
public record ReceivedHopsConfig(Integer max) {
    public ReceivedHopsConfig {
        if (max == null) max = 30;
        if (max < 1) throw new IllegalArgumentException("max must be at least 1");
    }
}
