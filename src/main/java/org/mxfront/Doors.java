// The list of every door mxfront knows, as CheckTypes lists the checks. Adding a door: write its
// package (the door, its settings record, its DoorType) and add one line here; Daemon names none.
package org.mxfront;

import java.util.List;
import org.mxfront.config.DaemonConfig;
import org.mxfront.door.DoorType;
import org.mxfront.milter.MilterDoor;
import org.mxfront.policyserver.PolicyServerDoor;
import org.mxfront.smtp.SmtpFrontDoor;

/** The registry of door kinds. */
public final class Doors {
    private Doors() {}

    public static final List<DoorType<?, ?>> ALL = List.of(
            SmtpFrontDoor.TYPE,
            PolicyServerDoor.TYPE,
            MilterDoor.TYPE);

    /**
     * Whether replies carry enhanced status codes (smtp.enhanced-status-codes), for explain: it shows the
     * reply lines as the SMTP door writes them, on or off.
     */
    public static boolean enhancedStatusCodes(DaemonConfig c) {
        return SmtpFrontDoor.TYPE.settings(c).section().enhancedStatusCodes();
    }
}
