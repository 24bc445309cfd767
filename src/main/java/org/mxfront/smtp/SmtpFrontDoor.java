// The inbound SMTP listener on SubEtha SMTP, one virtual thread per connection. SubEtha runs the
// socket and the command loop; every command a client can use is replaced here by one that hands
// it to the connection's Conversation, so that all replies come from the catalogue and the policy
// engine. Also here: per-address connection counts, PROXY headers from trusted proxies, and the
// command/DATA deadlines (one sweeper thread instead of a socket timeout on every read).
package org.mxfront.smtp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.config.DaemonConfig;
import org.mxfront.door.Door;
import org.mxfront.metrics.MxMeters;
import org.mxfront.policy.Decision;
import org.mxfront.policy.DecisionLog;
import org.mxfront.policy.PolicySession;
import org.mxfront.relay.DownstreamRelay;
import org.mxfront.relay.DownstreamReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.proxy.ProxyHandler;
import org.subethamail.smtp.internal.proxy.ProxyProtocolV1Handler;
import org.subethamail.smtp.internal.proxy.ProxyProtocolV2Handler;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/** The SMTP front door. One per listening address. */
public final class SmtpFrontDoor implements Door {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpFrontDoor.class);
    private static final Logger DECISIONS = LoggerFactory.getLogger("mxfront.decision");
    /** How long a timed-out session may take to hear XM-RJCT50 before its socket is closed under it. */
    private static final long FORCE_CLOSE_NANOS = 5_000_000_000L;

    /** A command handler of the conversation. */
    @FunctionalInterface
    private interface Handler {
        void handle(Conversation c, String args) throws IOException;
    }

    private final DaemonConfig config;
    private volatile DaemonConfig current;
    private final DownstreamRelay relay;
    private final SMTPServer server;
    private final Map<Session, Conversation> conversations = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Thread sweeper;
    private final MxMeters meters;
    private volatile boolean running = true;
    private volatile boolean draining;

    public SmtpFrontDoor(DaemonConfig config, DownstreamRelay relay, MxMeters meters) {
        this.config = config;
        this.current = config;
        this.relay = relay;
        this.meters = meters;
        meters.gauge(MxMeters.CONNECTIONS_ACTIVE, "Connections open now", active::get);
        var s = config.settings().smtp();
        this.server = SMTPServer.port(config.listen().getPort())
                .bindAddress(config.listen().getAddress())
                .hostName(config.hostname())
                // SubEtha's default backlog of 50 overflows in bursts; the kernel caps this at somaxconn.
                .backlog(1024)
                .softwareName("mxfront")
                .executorService(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("smtp-", 0).factory()))
                .maxConnections(s.maxConnections() + 50)
                // No per-read socket timeout: with virtual threads every timed read arms and cancels a
                // timer (the JDK's DelayScheduler, woken on each read: about 15% of the CPU under load).
                // The deadline sweeper below enforces command-timeout and data-timeout instead.
                .connectionTimeoutMs(0)
                .insertReceivedHeaders(false)
                .sessionHandler(new Sessions())
                .proxyHandler(this::proxyHeader)
                .serverSocketFactory(StockReplies::new)
                .build();
        register("HELO", (c, a) -> c.helo(a, false));
        register("EHLO", (c, a) -> c.helo(a, true));
        register("MAIL", (c, a) -> c.mail(a));
        register("RCPT", (c, a) -> c.rcpt(a));
        register("DATA", (c, a) -> c.data(a));
        register("RSET", (c, a) -> c.rset());
        register("NOOP", (c, a) -> c.noop());
        register("QUIT", (c, a) -> c.quit());
        register("HELP", (c, a) -> c.help());
        register("VRFY", (c, a) -> c.vrfy());
        register("XCLIENT", (c, a) -> c.xclient(a));
        register("PROXY", (c, a) -> c.proxy());
        for (String verb : List.of("EXPN", "BDAT", "AUTH", "STARTTLS", "ETRN", "TURN", "ATRN")) {
            register(verb, (c, a) -> c.notImplemented(verb));
        }
        this.sweeper = Thread.ofPlatform().daemon().name("mxfront-deadlines").unstarted(this::sweep);
    }

    private void register(String verb, Handler h) {
        server.getCommandHandler().addCommand(new BaseCommand(verb, verb) {
            @Override
            public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
                Conversation c = conversations.get(sess);
                if (c == null) {
                    sess.sendResponse("421 4.3.0 " + config.hostname() + " Error: session state lost");
                    sess.quit();
                    return;
                }
                String rest = commandString.length() > verb.length() ? commandString.substring(verb.length()) : "";
                if (!rest.isEmpty() && rest.charAt(0) != ' ') {
                    sess.sendResponse("500 5.5.2 Error: command not recognized");
                    return;
                }
                h.handle(c, rest.isEmpty() ? "" : rest.substring(1));
                c.armCommandDeadline();
            }
        });
    }

    public DownstreamRelay relay() { return relay; }

    /**
     * Puts a new configuration in force for connections accepted from now on; connections in
     * flight finish under the one they started with. The listen address, the trusted proxies of
     * the PROXY header and the downstream settings keep their start-up values until a restart.
     */
    @Override
    public void update(DaemonConfig next) {
        current = next;
    }

    @Override
    public String name() { return "smtp"; }

    @Override
    public String notReady() {
        return accepting() ? null : "smtp: not accepting connections";
    }

    @Override
    public void start() {
        server.start();
        sweeper.start();
        LOG.info("mxfront listening on {}:{} as {}, relaying to {}", config.listen().getAddress().getHostAddress(),
                port(), config.hostname(), config.downstream());
    }

    @Override
    public int port() { return server.getPortAllocated(); }

    /** The configuration new connections get. */
    public DaemonConfig currentConfig() { return current; }

    /** True while the listener runs and is not draining. */
    public boolean accepting() { return running && !draining && server.isRunning(); }

    /**
     * Graceful stop, first half: new connections get 421 4.3.2 XM-RJCT59, and this waits until no
     * transaction is in progress or the grace time is over. {@link #close()} then ends the rest.
     */
    @Override
    public void drain(java.time.Duration grace) {
        draining = true;
        long end = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < end && conversations.values().stream().anyMatch(Conversation::inTransaction)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops accepting connections and closes the open ones. */
    @Override
    public void close() {
        running = false;
        sweeper.interrupt();
        server.stop();
    }


    // ---- sessions -------------------------------------------------------------------------------

    private final class Sessions implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            InetAddress a = session.getRemoteAddress().getAddress();
            int total = active.incrementAndGet();
            int fromAddress = perAddress.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
            DaemonConfig cfg = current;
            Conversation c = new Conversation(SmtpFrontDoor.this, session, cfg, a, session.getRemoteAddress().getPort(),
                    fromAddress);
            conversations.put(session, c);
            if (session.getSocket() instanceof StockReplies.FilteredSocket fs) {
                try {
                    fs.attach(c);
                } catch (IOException e) {
                    // the client is gone; SubEtha will notice
                }
            }
            Decision d;
            if (draining) {
                d = c.refuse(Code.SHUTTING_DOWN, "shutdown");
            } else if (total > cfg.settings().smtp().maxConnections()) {
                d = c.refuse(Code.SERVER_BUSY, "max-connections");
            } else {
                d = c.connect();
            }
            meters.connection(d == null);
            if (d == null) return SessionAcceptance.success();
            onSessionEnd(session);
            // SubEtha writes "code message" itself: hand it the last line, send the others first.
            Reply r = d.reply();
            List<String> lines = r.wireLines(cfg.settings().smtp().enhancedStatusCodes());
            try {
                for (int i = 0; i < lines.size() - 1; i++) session.sendResponse(lines.get(i));
            } catch (IOException e) {
                return SessionAcceptance.failure(r.code(), "closing");
            }
            return SessionAcceptance.failure(r.code(), lines.get(lines.size() - 1).substring(4));
        }

        @Override
        public void onSessionEnd(Session session) {
            Conversation c = conversations.remove(session);
            if (c == null) return;
            c.endTransaction();
            active.decrementAndGet();
            release(c.clientAddress());
        }
    }

    private void release(InetAddress a) {
        perAddress.computeIfPresent(a, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    /** XCLIENT changed the client's address: move its count. Returns the new address's count. */
    int moveClient(Conversation c, InetAddress to) {
        release(c.clientAddress());
        return perAddress.computeIfAbsent(to, k -> new AtomicInteger()).incrementAndGet();
    }

    /** A transaction ended at the final dot with this reply to the client: count it. */
    void transactionEnded(int replyCode, long bytes) {
        meters.transaction(replyCode, bytes);
    }

    /** A message was accepted downstream: log it. */
    void accepted(PolicySession p, long bytes, DownstreamReply dr) {
        if (DECISIONS.isInfoEnabled()) {
            Reply r = new Reply(dr.code(), dr.enhanced(), List.of(dr.text()));
            DECISIONS.info(DecisionLog.format("accept", "END-OF-MESSAGE", p.facts(), r, null) + " size=" + bytes
                    + " nrcpt=" + p.recipients().size());
        }
    }

    // ---- PROXY protocol -------------------------------------------------------------------------

    /**
     * Connections from trusted proxies may start with a PROXY v1 or v2 header; from anyone else the
     * header is not looked for (a "PROXY" line then reaches the PROXY command and is refused).
     */
    private ProxyHandler.ProxyResult proxyHeader(InputStream in, java.io.OutputStream out, Session s) throws IOException {
        InetAddress real = s.getRealRemoteAddress().getAddress();
        if (!current.trustedProxies().contains(real) || !(in instanceof BufferedInputStream bin)) {
            return ProxyHandler.ProxyResult.NOP;
        }
        // A trusted host may also talk SMTP directly (XCLIENT, say): a header must arrive within 3 s.
        s.getSocket().setSoTimeout(3000);
        try {
            bin.mark(1);
            int first;
            try {
                first = bin.read();
            } catch (SocketTimeoutException e) {
                return ProxyHandler.ProxyResult.NOP;
            }
            bin.reset();
            if (first == 'P') return ProxyProtocolV1Handler.INSTANCE.handle(in, out, s);
            if (first == 0x0D) return ProxyProtocolV2Handler.INSTANCE.handle(in, out, s);
            return ProxyHandler.ProxyResult.NOP;
        } finally {
            s.getSocket().setSoTimeout(0);
        }
    }

    // ---- deadlines ------------------------------------------------------------------------------

    /**
     * Every half second: a session past its deadline is told XM-RJCT50 and closed (on a virtual thread
     * of its own, so one slow socket delays nobody). If that has not ended it after FORCE_CLOSE (the
     * client reads nothing and the reply cannot be written), its socket is closed under it, which
     * also ends any read or write its own thread is blocked in.
     */
    private void sweep() {
        while (running) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Conversation c : conversations.values()) {
                if (!c.timedOut) {
                    if (now - c.deadline > 0) {
                        c.timedOut = true;
                        c.forceCloseAt = now + FORCE_CLOSE_NANOS;
                        LOG.info("timeout: {} exceeded its deadline", c.clientAddress().getHostAddress());
                        Thread.ofVirtual().start(c::timeout);
                    }
                } else if (!c.forceClosed && now - c.forceCloseAt > 0) {
                    c.forceClosed = true;
                    LOG.info("timeout: {} did not take the timeout reply, connection closed", c.clientAddress().getHostAddress());
                    c.forceClose();
                }
            }
        }
    }
}
