// The numbers of the milter protocol (version 6, as Sendmail's libmilter mfdef.h defines them and
// Postfix's src/milter/milter8.c speaks them), in one place so that no code carries a bare 'O' or
// 0x100. Only what this door reads or writes is here.
package org.mxfront.milter;

/** Milter protocol constants: commands (SMFIC), replies (SMFIR), actions (SMFIF), steps (SMFIP), macro stages (SMFIM). */
public final class MilterProtocol {
    private MilterProtocol() {}

    /** The protocol version this door speaks (Postfix's milter_protocol = 6). */
    public static final int VERSION = 6;

    // ---- commands, MTA to filter
    public static final byte SMFIC_ABORT = 'A';
    public static final byte SMFIC_BODY = 'B';
    public static final byte SMFIC_CONNECT = 'C';
    public static final byte SMFIC_MACRO = 'D';
    public static final byte SMFIC_BODYEOB = 'E';
    public static final byte SMFIC_HELO = 'H';
    public static final byte SMFIC_QUIT_NC = 'K';
    public static final byte SMFIC_HEADER = 'L';
    public static final byte SMFIC_MAIL = 'M';
    public static final byte SMFIC_EOH = 'N';
    public static final byte SMFIC_OPTNEG = 'O';
    public static final byte SMFIC_QUIT = 'Q';
    public static final byte SMFIC_RCPT = 'R';
    public static final byte SMFIC_DATA = 'T';
    public static final byte SMFIC_UNKNOWN = 'U';

    // ---- replies, filter to MTA
    public static final byte SMFIR_ACCEPT = 'a';
    public static final byte SMFIR_CONTINUE = 'c';
    public static final byte SMFIR_DISCARD = 'd';
    public static final byte SMFIR_ADDHEADER = 'h';
    public static final byte SMFIR_CHGHEADER = 'm';
    public static final byte SMFIR_INSHEADER = 'i';
    public static final byte SMFIR_PROGRESS = 'p';
    public static final byte SMFIR_REJECT = 'r';
    public static final byte SMFIR_TEMPFAIL = 't';
    public static final byte SMFIR_REPLYCODE = 'y';

    // ---- actions the filter may take (SMFIF)
    public static final int SMFIF_ADDHDRS = 0x01;
    public static final int SMFIF_CHGHDRS = 0x10;
    public static final int SMFIF_SETSYMLIST = 0x100;

    // ---- protocol steps (SMFIP)
    public static final int SMFIP_NOCONNECT = 0x1;
    public static final int SMFIP_NOHELO = 0x2;
    public static final int SMFIP_NOMAIL = 0x4;
    public static final int SMFIP_NORCPT = 0x8;
    public static final int SMFIP_NOBODY = 0x10;
    public static final int SMFIP_NOHDRS = 0x20;
    public static final int SMFIP_NOEOH = 0x40;
    public static final int SMFIP_NR_HDR = 0x80;
    public static final int SMFIP_NOUNKNOWN = 0x100;
    public static final int SMFIP_NODATA = 0x200;
    public static final int SMFIP_NR_CONN = 0x1000;
    public static final int SMFIP_NR_HELO = 0x2000;
    public static final int SMFIP_NR_DATA = 0x10000;
    public static final int SMFIP_NR_EOH = 0x40000;
    public static final int SMFIP_NR_BODY = 0x80000;
    public static final int SMFIP_HDR_LEADSPC = 0x100000;

    // ---- macro stages of SMFIR_SETSYMLIST (in the option negotiation reply)
    public static final int SMFIM_CONNECT = 0;
    public static final int SMFIM_HELO = 1;
    public static final int SMFIM_ENVFROM = 2;
    public static final int SMFIM_ENVRCPT = 3;
    public static final int SMFIM_DATA = 4;
    public static final int SMFIM_EOM = 5;
    public static final int SMFIM_EOH = 6;

    // ---- address families of SMFIC_CONNECT
    public static final byte SMFIA_UNKNOWN = 'U';
    public static final byte SMFIA_UNIX = 'L';
    public static final byte SMFIA_INET = '4';
    public static final byte SMFIA_INET6 = '6';

    /** The name of a command for logs and metric labels ({@code connect}, {@code body}...), or null if unknown. */
    public static String commandName(byte cmd) {
        return switch (cmd) {
            case SMFIC_ABORT -> "abort";
            case SMFIC_BODY -> "body";
            case SMFIC_CONNECT -> "connect";
            case SMFIC_MACRO -> "macro";
            case SMFIC_BODYEOB -> "eom";
            case SMFIC_HELO -> "helo";
            case SMFIC_QUIT_NC -> "quit_nc";
            case SMFIC_HEADER -> "header";
            case SMFIC_MAIL -> "mail";
            case SMFIC_EOH -> "eoh";
            case SMFIC_OPTNEG -> "optneg";
            case SMFIC_QUIT -> "quit";
            case SMFIC_RCPT -> "rcpt";
            case SMFIC_DATA -> "data";
            case SMFIC_UNKNOWN -> "unknown";
            default -> null;
        };
    }
}
