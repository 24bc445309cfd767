// Every check can be watched before it is trusted, like postscreen's ignore/enforce.
package org.mxfront.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code enforce}: the check's verdict is applied. {@code log-only}: it is logged and counted, never applied. */
public enum Mode {
    @JsonProperty("enforce") ENFORCE,
    @JsonProperty("log-only") LOG_ONLY
}
