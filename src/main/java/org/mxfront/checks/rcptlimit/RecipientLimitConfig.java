// Settings of the recipient-limit check.
package org.mxfront.checks.rcptlimit;

/** @param max recipients accepted per message (default 50); each further one gets 452 4.5.3 */
public record RecipientLimitConfig(Integer max) {
    public RecipientLimitConfig {
        if (max == null) max = 50;
        if (max < 1) throw new IllegalArgumentException("max must be at least 1");
    }
}
