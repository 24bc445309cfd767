// What every door's validated settings say of themselves, so that the loader and check-config can
// treat doors alike: whether the door is on, how to show it, and which of our addresses it listens on.
package org.mxfront.config;

import java.net.InetAddress;
import java.util.List;

/** A door's settings in a loaded configuration (on or off). */
public interface DoorSettings {

    /** Whether the door runs in this configuration. */
    boolean enabled();

    /** How check-config shows the door when on: {@code policy-server 127.0.0.1:10040}. */
    String describe();

    /** Addresses that are ours because mail from the internet reaches us there (checks see them). */
    default List<InetAddress> ourAddresses() {
        return List.of();
    }
}
