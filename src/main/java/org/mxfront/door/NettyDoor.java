// What the two Netty doors (policy delegation, milter) share beyond their protocol: a NettyListener,
// a virtual-thread executor for stages that may wait, and the same port, readiness, drain and close.
// A door extends it with its pipeline and what counts as work in flight.
package org.mxfront.door;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A door served by a NettyListener. */
public abstract class NettyDoor<S> implements Door<S> {
    protected final NettyListener listener;
    protected final ExecutorService executor;

    /** @param name the door's name, also its threads' prefix */
    protected NettyDoor(String name) {
        this.listener = new NettyListener(name);
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
    }

    /** Connections or requests still being worked on (drain waits for zero). */
    protected abstract int inFlight();

    @Override
    public final int port() {
        return listener.port();
    }

    @Override
    public final void drain(Duration grace) {
        listener.drain(grace, this::inFlight);
    }

    @Override
    public final String notReady() {
        return listener.notReady();
    }

    @Override
    public void close() {
        listener.close();
        executor.shutdownNow();
    }
}
