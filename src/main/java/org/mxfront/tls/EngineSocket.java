// A blocking socket over an SSLEngine, so that the SMTP door (SubEtha: blocking streams on virtual
// threads) can use BoringSSL through Netty's OpenSSL engine, which exists only as an SSLEngine: the
// JDK's own TLS costs about four times the CPU per handshake. Reads and writes may run at the same
// time (the deadline sweeper writes a 421 while the session thread reads), as SSLEngine allows.
package org.mxfront.tls;

import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/** A TLS connection over a plain socket: the server side for the SMTP door, the client side for load tests. */
public final class EngineSocket extends Socket {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Socket plain;
    private final SSLEngine engine;
    private final InputStream netIn;
    private final OutputStream netOut;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    /** Network bytes read and not yet unwrapped; write mode (position = end of data). */
    private ByteBuffer netInBuf;
    /** Application bytes unwrapped and not yet read; write mode. */
    private ByteBuffer appInBuf;
    private ByteBuffer netOutBuf;
    private boolean inputDone;
    private volatile boolean closed;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    /** What getOutputStream() hands out: the TLS stream, or a wrapper of it (see {@link #wrapOutput}). */
    private volatile OutputStream exposedOut = out;

    EngineSocket(Socket plain, SSLEngine engine) throws IOException {
        super((SocketImpl) null);
        this.plain = plain;
        this.engine = engine;
        this.netIn = plain.getInputStream();
        this.netOut = plain.getOutputStream();
        SSLSession s = engine.getSession();
        this.netInBuf = ByteBuffer.allocate(s.getPacketBufferSize());
        this.appInBuf = ByteBuffer.allocate(s.getApplicationBufferSize());
        this.netOutBuf = ByteBuffer.allocate(s.getPacketBufferSize());
    }

    /** A TLS socket over a connected plain one, in the engine's mode (client or server); no handshake yet. */
    public static EngineSocket over(Socket plain, SSLEngine engine) throws IOException {
        return new EngineSocket(plain, engine);
    }

    /** Runs the handshake (the server side, or the client side for a client engine); blocks until done. */
    public void handshake() throws IOException {
        synchronized (readLock) {
            engine.beginHandshake();
            HandshakeStatus hs = engine.getHandshakeStatus();
            while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
                switch (hs) {
                    case NEED_WRAP -> hs = wrap(EMPTY);
                    case NEED_TASK -> hs = runTasks();
                    default -> {
                        SSLEngineResult r = unwrap();
                        hs = r == null ? engine.getHandshakeStatus() : r.getHandshakeStatus();
                        if (inputDone) {
                            // A client may finish, send a command and close in one go (BoringSSL unwraps
                            // all of it at once): the handshake is done, the rest is read as usual.
                            if (established()) return;
                            throw new SSLException("connection closed during the TLS handshake");
                        }
                    }
                }
            }
        }
    }

    /** True once a cipher suite is agreed (before that, engines report SSL_NULL_WITH_NULL_NULL). */
    private boolean established() {
        String suite = engine.getSession().getCipherSuite();
        return suite != null && !suite.equals("SSL_NULL_WITH_NULL_NULL");
    }

    /** The negotiated session (protocol, cipher suite). */
    public SSLSession session() {
        return engine.getSession();
    }

    private HandshakeStatus runTasks() {
        Runnable t;
        while ((t = engine.getDelegatedTask()) != null) t.run();
        return engine.getHandshakeStatus();
    }

    /** Wraps all of src (or one handshake record when src is empty) and writes it out. */
    private HandshakeStatus wrap(ByteBuffer src) throws IOException {
        synchronized (writeLock) {
            SSLEngineResult r;
            do {
                netOutBuf.clear();
                r = engine.wrap(src, netOutBuf);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    netOutBuf = ByteBuffer.allocate(netOutBuf.capacity() * 2);
                    continue;
                }
                netOutBuf.flip();
                if (netOutBuf.hasRemaining()) netOut.write(netOutBuf.array(), 0, netOutBuf.limit());
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) break;
            } while (src.hasRemaining() || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW);
            netOut.flush();
            return r.getHandshakeStatus() == HandshakeStatus.NEED_TASK ? runTasks() : r.getHandshakeStatus();
        }
    }

    /**
     * Unwraps what has arrived, reading from the network when a whole record is not there yet.
     * Returns null at the end of the stream; after the peer's close_notify the result says CLOSED
     * (and what came before it may have been unwrapped into appInBuf). Called under readLock.
     */
    private SSLEngineResult unwrap() throws IOException {
        while (true) {
            netInBuf.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netInBuf, appInBuf);
            } finally {
                netInBuf.compact();
            }
            switch (r.getStatus()) {
                case OK -> {
                    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) runTasks();
                    return r;
                }
                case CLOSED -> {
                    inputDone = true;
                    return r;
                }
                case BUFFER_OVERFLOW -> appInBuf = grow(appInBuf, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    if (!netInBuf.hasRemaining()) netInBuf = grow(netInBuf, engine.getSession().getPacketBufferSize());
                    int n = netIn.read(netInBuf.array(), netInBuf.position(), netInBuf.remaining());
                    if (n < 0) {
                        inputDone = true;
                        return null;
                    }
                    netInBuf.position(netInBuf.position() + n);
                }
            }
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, atLeast));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            synchronized (readLock) {
                while (appInBuf.position() == 0) {
                    if (closed) return -1;
                    if (inputDone) {
                        // the engine may still hold plaintext that came with the peer's last records
                        netInBuf.flip();
                        SSLEngineResult r = engine.unwrap(netInBuf, appInBuf);
                        netInBuf.compact();
                        if (r.bytesProduced() == 0) return -1;
                        continue;
                    }
                    SSLEngineResult r = unwrap();
                    if (r == null || r.getStatus() == SSLEngineResult.Status.CLOSED) continue;
                    // post-handshake messages (a KeyUpdate, say) may ask for an answer
                    if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) wrap(EMPTY);
                }
                appInBuf.flip();
                int n = Math.min(len, appInBuf.remaining());
                appInBuf.get(b, off, n);
                appInBuf.compact();
                return n;
            }
        }

        /** What is decrypted already: a reader never blocks on more than the network has sent. */
        @Override
        public int available() {
            synchronized (readLock) {
                return appInBuf.position();
            }
        }

        @Override
        public void close() throws IOException {
            EngineSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new SocketException("socket closed");
            wrap(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
            EngineSocket.this.close();
        }
    }

    @Override public InputStream getInputStream() { return in; }
    @Override public OutputStream getOutputStream() { return exposedOut; }

    /**
     * Puts a filter of the caller's in front of the TLS output (the SMTP door's stock-reply filter), so
     * that whoever is handed this socket writes through it.
     */
    public void wrapOutput(UnaryOperator<OutputStream> wrapper) {
        exposedOut = wrapper.apply(out);
    }

    /** Sends close_notify (best effort), closes the plain socket and frees the engine. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            engine.closeOutbound();
            wrap(EMPTY);
        } catch (IOException | RuntimeException e) {
            // the peer is gone: nothing to tell it
        } finally {
            plain.close();
            ReferenceCountUtil.release(engine);
        }
    }

    @Override public boolean isClosed() { return closed || plain.isClosed(); }
    @Override public boolean isConnected() { return plain.isConnected(); }
    @Override public boolean isBound() { return plain.isBound(); }
    @Override public InetAddress getInetAddress() { return plain.getInetAddress(); }
    @Override public int getPort() { return plain.getPort(); }
    @Override public InetAddress getLocalAddress() { return plain.getLocalAddress(); }
    @Override public int getLocalPort() { return plain.getLocalPort(); }
    @Override public SocketAddress getRemoteSocketAddress() { return plain.getRemoteSocketAddress(); }
    @Override public SocketAddress getLocalSocketAddress() { return plain.getLocalSocketAddress(); }
    @Override public synchronized void setSoTimeout(int t) throws SocketException { plain.setSoTimeout(t); }
    @Override public synchronized int getSoTimeout() throws SocketException { return plain.getSoTimeout(); }
    @Override public void setTcpNoDelay(boolean on) throws SocketException { plain.setTcpNoDelay(on); }
    @Override public void shutdownInput() throws IOException { plain.shutdownInput(); }
    @Override public void shutdownOutput() throws IOException { plain.shutdownOutput(); }
    @Override public boolean isInputShutdown() { return plain.isInputShutdown(); }
    @Override public boolean isOutputShutdown() { return plain.isOutputShutdown(); }
    @Override public String toString() { return "EngineSocket[" + plain + "]"; }
}
