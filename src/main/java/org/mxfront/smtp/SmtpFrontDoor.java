// The inbound SMTP listener on SubEtha SMTP, one virtual thread per connection. SubEtha runs the
// socket and reads command lines; every command a client can use is replaced here by one that hands
// the line to the connection's SmtpConversation (the socket-free protocol state machine), and after
// 354 this door pumps the raw message bytes into it. Also here: per-address connection counts, PROXY
// headers from trusted proxies, and the command/DATA deadlines (one sweeper thread instead of a
// socket timeout on every read).
package org.mxfront.smtp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSession;
import org.mxfront.codes.Code;
import org.mxfront.codes.Reply;
import org.mxfront.door.Door;
import org.mxfront.door.DoorContext;
import org.mxfront.door.DoorType;
import org.mxfront.mail.MeterNames;
import org.mxfront.mail.TlsInfo;
import org.mxfront.metrics.MxMeters;
import org.mxfront.net.Networks;
import org.mxfront.policy.Decision;
import org.mxfront.relay.DownstreamRelay;
import org.mxfront.tls.EngineSocket;
import org.mxfront.tls.ServerTls;
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
public final class SmtpFrontDoor implements Door<SmtpDoorSettings> {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpFrontDoor.class);

    /** This door's kind, for the registry (org.mxfront.Doors): it builds its own downstream relay. */
    public static final DoorType<SmtpDoorSettings.Sections, SmtpDoorSettings> TYPE = new DoorType<>("smtp",
            SmtpDoorSettings.Sections.class, SmtpDoorSettings.VALIDATOR,
            (ctx, meters) -> new SmtpFrontDoor(ctx, new DownstreamRelay(ctx.settings().downstream(),
                    ctx.settings().downstreamSettings(), ctx.hostname(), meters), meters));
    /** How long a timed-out session may take to hear XM-RJCT50 before its socket is closed under it. */
    private static final long FORCE_CLOSE_NANOS = 5_000_000_000L;

    private final DoorContext<SmtpDoorSettings> config;
    private volatile DoorContext<SmtpDoorSettings> current;
    private final DownstreamRelay relay;
    private volatile long downstreamCheckedAt;
    private volatile boolean downstreamOk;
    private final SMTPServer server;
    private final Map<Session, Connection> connections = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Thread sweeper;
    private final MxMeters meters;
    private volatile boolean running = true;
    private volatile boolean draining;

    public SmtpFrontDoor(DoorContext<SmtpDoorSettings> config, DownstreamRelay relay, MxMeters meters) {
        this.config = config;
        this.current = config;
        this.relay = relay;
        this.meters = meters;
        meters.gauge(MeterNames.CONNECTIONS_ACTIVE, "Connections open now", active::get);
        var s = config.settings().section();
        this.server = SMTPServer.port(config.settings().listen().getPort())
                .bindAddress(config.settings().listen().getAddress())
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
        for (String verb : SmtpVerbs.ALL) register(verb);
        this.sweeper = Thread.ofPlatform().daemon().name("mxfront-deadlines").unstarted(this::sweep);
    }

    private void register(String verb) {
        server.getCommandHandler().addCommand(new BaseCommand(verb, verb) {
            @Override
            public void execute(String commandString, Session sess) throws IOException, DropConnectionException {
                Connection conn = connections.get(sess);
                if (conn == null) {
                    sess.sendResponse("421 4.3.0 " + config.hostname() + " Error: session state lost");
                    sess.quit();
                    return;
                }
                SmtpConversation c = conn.conversation;
                c.command(commandString);
                if (c.inData()) SmtpFraming.pumpData(c, (BufferedInputStream) conn.session.getRawInput());
            }
        });
    }

    /**
     * Puts a new configuration in force for connections accepted from now on; connections in
     * flight finish under the one they started with. The listen address and the downstream keep
     * their start-up values until a restart.
     */
    @Override
    public void update(DoorContext<SmtpDoorSettings> next) {
        SmtpDoorSettings was = config.settings(), now = next.settings();
        if (!now.listen().equals(was.listen()) || !now.downstream().equals(was.downstream())
                || !now.downstreamSettings().equals(was.downstreamSettings())) {
            LOG.warn("reload: smtp.listen and downstream change only on restart");
        }
        current = next;
    }

    @Override
    public String name() { return "smtp"; }

    @Override
    public String notReady() {
        if (!accepting()) return "smtp: not accepting connections";
        long now = System.nanoTime();
        if (now - downstreamCheckedAt > 5_000_000_000L) {
            downstreamOk = relay.reachable();
            downstreamCheckedAt = now;
        }
        return downstreamOk ? null : "downstream: " + config.settings().downstream() + " not reachable";
    }

    @Override
    public String downstream() {
        String why = notReady();
        boolean down = why != null && why.startsWith("downstream");
        return (down ? "NOT reachable: " : "reachable: ") + Networks.text(config.settings().downstream());
    }

    @Override
    public void start() {
        server.start();
        sweeper.start();
        SmtpDoorSettings s = config.settings();
        LOG.info("mxfront listening on {}:{} as {}, relaying to {}, STARTTLS {}", s.listen().getAddress().getHostAddress(),
                port(), config.hostname(), Networks.text(s.downstream()),
                s.tls() == null ? "off (no certificate)" : "on (" + s.tls().provider() + ", " + s.tls().level() + ")");
        // learns the downstream's extensions in the background
        Thread.ofVirtual().name("downstream-probe").start(relay::probe);
    }

    @Override
    public int port() { return server.getPortAllocated(); }


    /** True while the listener runs and is not draining. */
    public boolean accepting() { return running && !draining && server.isRunning(); }

    /**
     * Graceful stop, first half: new connections get 421 4.3.2 XM-RJCT59, and this waits until no
     * transaction is in progress or the grace time is over. {@link #close()} then ends the rest.
     */
    @Override
    public void drain(Duration grace) {
        draining = true;
        long end = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < end && connections.values().stream().anyMatch(c -> c.conversation.inTransaction())) {
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
        relay.close();
    }


    // ---- sessions -------------------------------------------------------------------------------

    /** One accepted connection: the SubEtha session, its conversation, and the sweeper's marks. */
    private final class Connection implements SmtpState.Transport {
        final Session session;
        SmtpConversation conversation;
        volatile boolean timedOut;
        volatile long forceCloseAt;
        volatile boolean forceClosed;

        Connection(Session session) {
            this.session = session;
        }

        @Override
        public void send(String reply) throws IOException {
            session.sendResponse(reply);
        }

        @Override
        public void close() {
            session.quit();
        }

        @Override
        public boolean talkedWithin(Duration pause) {
            return session.getSocket() instanceof StockReplies.FilteredSocket fs && fs.talkedWithin(pause);
        }

        @Override
        public InetAddress realRemote() {
            return session.getRealRemoteAddress().getAddress();
        }

        @Override
        public TlsInfo startTls(ServerTls tls) throws IOException {
            // CVE-2011-0411: what the client pipelined after STARTTLS in clear is dropped here, never
            // read as a command under TLS (SubEtha's setSocket also starts over with fresh streams).
            InputStream raw = session.getRawInput();
            int pending = raw.available();
            if (pending > 0) {
                long skipped = raw.skip(pending);
                LOG.info("STARTTLS: {} dropped {} bytes sent in clear after STARTTLS",
                        conversation.clientAddress().getHostAddress(), skipped);
            }
            Socket plain = session.getSocket();
            EngineSocket ssl = tls.wrap(plain instanceof StockReplies.FilteredSocket fs ? fs.forTls() : plain);
            try {
                ssl.handshake();
            } catch (IOException | RuntimeException e) {
                ssl.close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
            ssl.wrapOutput(o -> StockReplies.filter(o, conversation));
            session.setSocket(ssl);
            SSLSession s = ssl.session();
            return new TlsInfo(s.getProtocol(), s.getCipherSuite(), cipherBits(s.getCipherSuite()));
        }

        /** Closes the socket under the session's thread (the sweeper's last resort). */
        void forceClose() {
            try {
                session.getSocket().close();
            } catch (IOException | RuntimeException e) {
                // already closed
            }
        }
    }

    private final class Sessions implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            InetAddress a = session.getRemoteAddress().getAddress();
            int total = active.incrementAndGet();
            int fromAddress = perAddress.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
            DoorContext<SmtpDoorSettings> cfg = current;
            Connection conn = new Connection(session);
            SmtpConversation c = new SmtpConversation(cfg, relay, conn, SmtpFrontDoor.this::moveClient, meters, a,
                    session.getRemoteAddress().getPort(), fromAddress);
            conn.conversation = c;
            connections.put(session, conn);
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
            } else if (total > cfg.settings().section().maxConnections()) {
                d = c.refuse(Code.SERVER_BUSY, "max-connections");
            } else {
                d = c.connect();
            }
            meters.connection(d == null);
            if (d == null) return SessionAcceptance.success();
            onSessionEnd(session);
            // SubEtha writes "code message" itself: hand it the last line, send the others first.
            Reply r = d.reply();
            List<String> lines = r.wireLines(cfg.settings().section().enhancedStatusCodes());
            try {
                for (int i = 0; i < lines.size() - 1; i++) session.sendResponse(lines.get(i));
            } catch (IOException e) {
                return SessionAcceptance.failure(r.code(), "closing");
            }
            return SessionAcceptance.failure(r.code(), lines.get(lines.size() - 1).substring(4));
        }

        @Override
        public void onSessionEnd(Session session) {
            Connection conn = connections.remove(session);
            if (conn == null) return;
            conn.conversation.endTransaction();
            active.decrementAndGet();
            release(conn.conversation.clientAddress());
        }
    }

    /** The symmetric key length a cipher suite's name states (AES_256, CHACHA20 = 256), 0 when it does not. */
    static int cipherBits(String suite) {
        if (suite.contains("AES_256") || suite.contains("CHACHA20")) return 256;
        if (suite.contains("AES_128")) return 128;
        return 0;
    }

    private void release(InetAddress a) {
        perAddress.computeIfPresent(a, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    /** XCLIENT changed the client's address: move its count. Returns the new address's count. */
    private int moveClient(InetAddress from, InetAddress to) {
        release(from);
        return perAddress.computeIfAbsent(to, k -> new AtomicInteger()).incrementAndGet();
    }

    // ---- PROXY protocol -------------------------------------------------------------------------

    /**
     * Connections from trusted proxies may start with a PROXY v1 or v2 header; from anyone else the
     * header is not looked for (a "PROXY" line then reaches the PROXY command and is refused).
     */
    private ProxyHandler.ProxyResult proxyHeader(InputStream in, OutputStream out, Session s) throws IOException {
        InetAddress real = s.getRealRemoteAddress().getAddress();
        if (!current.settings().trustedProxies().contains(real) || !(in instanceof BufferedInputStream bin)) {
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
            for (Connection c : connections.values()) {
                SmtpConversation conv = c.conversation;
                if (!c.timedOut) {
                    if (now - conv.deadline() > 0) {
                        c.timedOut = true;
                        c.forceCloseAt = now + FORCE_CLOSE_NANOS;
                        LOG.info("timeout: {} exceeded its deadline", conv.clientAddress().getHostAddress());
                        Thread.ofVirtual().start(conv::timeout);
                    }
                } else if (!c.forceClosed && now - c.forceCloseAt > 0) {
                    c.forceClosed = true;
                    LOG.info("timeout: {} did not take the timeout reply, connection closed", conv.clientAddress().getHostAddress());
                    c.forceClose();
                }
            }
        }
    }
}
