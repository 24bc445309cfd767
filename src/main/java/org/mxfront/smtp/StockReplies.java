// SubEtha SMTP answers a few things itself, before any command of ours runs: unknown commands,
// unparseable lines, bare CR/LF in a command line, over-long lines, its socket read timeout. This
// filter sits on each connection's output: it gives those replies RFC 3463 codes (we advertise
// ENHANCEDSTATUSCODES) and counts the errors toward smtp.soft-error-limit/hard-error-limit, so an
// unknown-command flood is slowed and cut off like any other.
package org.mxfront.smtp;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The server socket whose connections carry the stock-reply filter. */
final class StockReplies extends ServerSocket {
    StockReplies() throws IOException {
        super();
    }

    @Override
    public Socket accept() throws IOException {
        FilteredSocket s = new FilteredSocket();
        implAccept(s);
        // Replies are small and often pipelined: without TCP_NODELAY each one after the first waits
        // for the client's delayed ACK (tens of milliseconds).
        s.setTcpNoDelay(true);
        return s;
    }

    /** A connection whose output passes through {@link Filter}. */
    static final class FilteredSocket extends Socket {
        private volatile Filter filter;
        /** Set at STARTTLS: from then on the TLS layer above reads and writes the bytes as they are. */
        private volatile boolean raw;

        /**
         * Without a SocketImpl of its own: accept() then hands this socket the accepted one's
         * instead of copying every option onto it (which costs an exception per option, per connection).
         */
        FilteredSocket() throws SocketException {
            super((SocketImpl) null);
        }

        /**
         * The input as SubEtha buffers it, except that available() answers 0 instead of asking the
         * kernel (an ioctl per read): BufferedInputStream then returns what one read brought instead
         * of asking whether more could be had without blocking, which is what the readers want anyway.
         */
        @Override
        public InputStream getInputStream() throws IOException {
            if (raw) return super.getInputStream();
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int available() {
                    return 0;
                }
            };
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (raw) return super.getOutputStream();
            if (filter == null) filter = new Filter(super.getOutputStream());
            return filter;
        }

        /**
         * This socket for a TLS layer to sit on: its streams become the plain ones (TLS records are
         * binary; the stock-reply filter moves up onto the TLS socket's output, see {@link #filter}).
         */
        Socket forTls() {
            raw = true;
            return this;
        }

        /** Holds back for {@code pause} (the greeting is not sent yet); true when the client sent anything meanwhile. */
        boolean talkedWithin(Duration pause) {
            try {
                Thread.sleep(pause);
                return super.getInputStream().available() > 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (IOException e) {
                return false;
            }
        }

        void attach(SmtpConversation c) throws IOException {
            ((Filter) getOutputStream()).conversation = c;
        }
    }

    /** The stock-reply filter over another stream (the TLS one after STARTTLS), for this conversation. */
    static OutputStream filter(OutputStream out, SmtpConversation c) {
        Filter f = new Filter(out);
        f.conversation = c;
        return f;
    }

    /** Buffers one response until flush, rewrites it if it is one of SubEtha's stock replies. */
    static final class Filter extends FilterOutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
        volatile SmtpConversation conversation;

        Filter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            if (pending.size() > 0) {
                String text = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                SmtpConversation c = conversation;
                boolean error = false;
                String out = text;
                if (c != null) {
                    String rewritten = rewrite(text, c.enhancedCodes());
                    if (rewritten != null) {
                        out = rewritten;
                        error = text.startsWith("5");
                    }
                }
                // counted before it goes out: past the soft limit the reply waits error-delay
                String extra = error ? c.stockError() : null;
                super.out.write(out.getBytes(StandardCharsets.UTF_8));
                if (extra != null) {
                    super.out.write((extra + "\r\n").getBytes(StandardCharsets.UTF_8));
                    super.out.flush();
                    c.close();
                    return;
                }
            }
            super.out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
            super.out.close();
        }
    }

    /** The rewritten reply (with CRLF) for a stock reply, or null when the text is not one. */
    static String rewrite(String text, boolean enhanced) {
        String e;
        String rest;
        if (text.startsWith("500 Error: command not implemented")) {
            e = "5.5.2";
            rest = "Error: command not recognized";
        } else if (text.startsWith("500 Error: bad syntax")) {
            e = "5.5.2";
            rest = "Error: bad syntax";
        } else if (text.startsWith("501 Syntax error at character position")) {
            e = "5.5.2";
            rest = "Error: bare CR or LF in a command line; lines must end with CRLF";
        } else if (text.startsWith("501 Syntax error: invalid character encoding")) {
            e = "5.5.2";
            rest = "Error: invalid UTF-8 in a command line";
        } else if (text.startsWith("501 ") && text.contains("line") && text.contains("long")) {
            e = "5.5.2";
            rest = "Error: command line too long";
        } else if (text.startsWith("421 Timeout waiting for data from client.")) {
            e = "4.4.2";
            rest = "Error: timeout exceeded";
        } else {
            return null;
        }
        String code = text.substring(0, 3);
        return code + " " + (enhanced ? e + " " : "") + rest + "\r\n";
    }
}
