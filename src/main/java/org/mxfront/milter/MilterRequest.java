// What Postfix sends a milter, one record per command (the packet decoder makes them, the session
// switches over them). Sealed so that the session handles every command or the compiler says so.
package org.mxfront.milter;

import java.util.List;
import java.util.Map;

/** One decoded milter command. */
public sealed interface MilterRequest {

    /** SMFIC_OPTNEG: the MTA's protocol version, the actions it allows and the steps it can leave out. */
    record OptionNegotiation(int version, int actions, int protocol) implements MilterRequest {}

    /** SMFIC_MACRO: the macros for the command {@code stage} that follows. */
    record Macros(byte stage, Map<String, String> values) implements MilterRequest {
        public Macros {
            values = Map.copyOf(values);
        }
    }

    /**
     * SMFIC_CONNECT.
     *
     * @param hostname the client's verified name, or {@code [address]} when it has none
     * @param family   {@link MilterProtocol#SMFIA_INET}, {@code SMFIA_INET6}, {@code SMFIA_UNIX} or {@code SMFIA_UNKNOWN}
     * @param port     the client's port (0 when unknown)
     * @param address  the client's address as text (empty when the family is unknown)
     */
    record Connect(String hostname, byte family, int port, String address) implements MilterRequest {}

    /** SMFIC_HELO. */
    record Helo(String name) implements MilterRequest {}

    /** SMFIC_MAIL: the sender path ({@code <a@b>}) then the ESMTP parameters. */
    record Mail(List<String> args) implements MilterRequest {
        public Mail {
            args = List.copyOf(args);
        }
    }

    /** SMFIC_RCPT: the recipient path then the ESMTP parameters. */
    record Rcpt(List<String> args) implements MilterRequest {
        public Rcpt {
            args = List.copyOf(args);
        }
    }

    /** SMFIC_DATA. */
    record Data() implements MilterRequest {}

    /** SMFIC_HEADER: one field; the value as Postfix has it (continuation lines separated by LF). */
    record Header(String name, String value) implements MilterRequest {}

    /** SMFIC_EOH. */
    record EndOfHeaders() implements MilterRequest {}

    /** SMFIC_BODY: a piece of the body, CRLF line ends. */
    record Body(byte[] chunk) implements MilterRequest {}

    /** SMFIC_BODYEOB: end of message, with an optional last piece of the body. */
    record EndOfMessage(byte[] chunk) implements MilterRequest {}

    /** SMFIC_ABORT: the transaction ends without a message; the connection stays. */
    record Abort() implements MilterRequest {}

    /** SMFIC_QUIT: the session is over. */
    record Quit() implements MilterRequest {}

    /** SMFIC_QUIT_NC: this client is over; the connection will serve the next one (a new CONNECT). */
    record QuitNewConnection() implements MilterRequest {}

    /** SMFIC_UNKNOWN: an SMTP command the MTA did not know. */
    record Unknown(String command) implements MilterRequest {}

    /** The command's name for logs and metrics. */
    default String name() {
        return switch (this) {
            case OptionNegotiation o -> "optneg";
            case Macros m -> "macro";
            case Connect c -> "connect";
            case Helo h -> "helo";
            case Mail m -> "mail";
            case Rcpt r -> "rcpt";
            case Data d -> "data";
            case Header h -> "header";
            case EndOfHeaders e -> "eoh";
            case Body b -> "body";
            case EndOfMessage e -> "eom";
            case Abort a -> "abort";
            case Quit q -> "quit";
            case QuitNewConnection q -> "quit_nc";
            case Unknown u -> "unknown";
        };
    }
}
