// Every reply mxfront can give to a rejected, deferred or dropped client, in one table.
// XM-RJCT01..22 keep the meanings and titles of the XMission page mxfront's reply style comes
// from (07, 14, 18 are defunct there: reserved here, never emitted; 11 is internal). Our own
// reasons start at 23. Ids are stable: operators publish them, so never renumber an entry.
package org.mxfront.codes;

import java.util.Locale;

/**
 * The reply-code catalogue's built-in entries: number, SMTP code, RFC 3463 enhanced code,
 * title (for the public table) and default text template. Checks name one of these; they
 * never write reply text. Texts and the printed prefix are configurable in {@link ReplyCatalogue}.
 */
public enum Code {
    INVALID_USERNAME(1, 550, "5.1.1", "Invalid Username", "Account <{recipient}> does not exist."),
    INVALID_VIRTUAL_RECIPIENT(2, 550, "5.1.1", "Invalid Virtual Mail Recipient",
            "Virtual mail recipient <{recipient}> does not exist."),
    OPEN_RELAY_LISTED(3, 550, "5.7.1", "IP Address is listed as an open relay",
            "IP address {client_ip} is listed as an open relay in {zone}."),
    SBL_LISTED(4, 550, "5.7.1", "IP address listed in SBL", "IP address {client_ip} is listed in the Spamhaus SBL."),
    XBL_LISTED(5, 550, "5.7.1", "IP address listed in XBL", "IP address {client_ip} is listed in the Spamhaus XBL."),
    RELAY_DENIED(6, 550, "5.7.1", "Unauthorized relay attempt", "Unauthorized relay attempt"),
    RCPT_RBL_DEFUNCT(7, 550, "5.7.1", "User listed in rcpt-rbl", "Defunct.", Status.DEFUNCT),
    INVALID_FILTERED_RECIPIENT(8, 550, "5.1.1", "Invalid \"Spamcatcher\" recipient",
            "Recipient <{recipient}> was refused by the domain's own mail server."),
    SPF_FAIL_RELAYED(9, 550, "5.7.23", "SPF Record Fail (relayed domain)",
            "SPF check failed for <{sender}> from {client_ip}."),
    VIRUS_FOUND(10, 554, "5.7.1", "Mail failed virus scan", "Mail failed virus scan: {virus}."),
    INTERNAL(11, 451, "4.3.0", "Internal", "Internal error, please try again later.", Status.INTERNAL),
    PHISHING_ADDRESS(12, 550, "5.7.1", "Known Phishing Address", "Address <{address}> is known to be used for phishing."),
    FORGED_SENDER(13, 550, "5.7.1", "Forged sender address", "Sender address <{sender}> is forged."),
    BOTNET_RBL_DEFUNCT(14, 550, "5.7.1", "Botnet RBL", "Defunct.", Status.DEFUNCT),
    OPS_BLOCKLIST(15, 550, "5.7.1", "IP address in local blocklist",
            "IP address {client_ip} is blocked by local policy."),
    SPF_FAIL(16, 550, "5.7.23", "SPF Failure", "SPF check failed for <{sender}> from {client_ip}."),
    DKIM_FAIL(17, 550, "5.7.20", "DomainKey Failure", "DKIM verification failed for <{sender}>."),
    SPAM_SCORE_DEFUNCT(18, 550, "5.7.1", "High SpamAssassin Score", "Defunct.", Status.DEFUNCT),
    PBL_LISTED(19, 550, "5.7.1", "IP address listed in PBL", "IP address {client_ip} is listed in the Spamhaus PBL."),
    INVALID_HOSTED_RECIPIENT(20, 550, "5.1.1", "Invalid hosted recipient", "Recipient <{recipient}> does not exist."),
    DOMAIN_NO_HOSTING(21, 550, "5.1.2", "Domain has no hosting",
            "Lowest numbered MX record points to local host: {domain} points its MX at us but has no mail hosting here."),
    OWN_RBL_LISTED(22, 550, "5.7.1", "IP listed in our RBL", "IP address {client_ip} is listed in {zone}."),

    GREYLISTED(23, 451, "4.7.1", "Greylisted", "Greylisted, please try again in {retry} seconds."),
    HELO_MISSING(24, 503, "5.5.1", "HELO/EHLO missing", "Send HELO/EHLO first."),
    HELO_INVALID(25, 501, "5.5.2", "Invalid HELO name", "Helo command rejected: invalid name <{helo}>."),
    HELO_NOT_FQDN(26, 504, "5.5.2", "HELO name not fully qualified",
            "Helo command rejected: need fully-qualified hostname <{helo}>."),
    HELO_LOCALHOST(27, 550, "5.7.1", "HELO name is localhost",
            "Helo command rejected: <{helo}> is not a name for a host on the internet."),
    HELO_BARE_IP(28, 501, "5.5.2", "HELO address not in brackets",
            "Helo command rejected: an address must be written as a literal [{helo}]."),
    HELO_LITERAL_MISMATCH(29, 550, "5.7.1", "HELO address literal is not the client's",
            "Helo command rejected: {helo} is not your address {client_ip}."),
    HELO_CLAIMS_US(30, 550, "5.7.1", "HELO claims to be us", "You cannot say you are me. I am me."),
    TOO_MANY_RECIPIENTS(31, 452, "4.5.3", "Too many recipients", "Too many recipients, at most {limit} per message."),
    MESSAGE_TOO_LARGE(32, 552, "5.3.4", "Message too large", "Message size exceeds the limit of {limit} bytes."),
    TOO_MANY_HOPS(33, 554, "5.4.6", "Too many Received headers",
            "Too many Received headers ({count}, limit {limit}): mail loop?"),
    TOO_MANY_CONNECTIONS(34, 421, "4.7.0", "Too many connections from one address",
            "Too many connections from {client_ip}, at most {limit} at a time."),
    SERVER_BUSY(35, 421, "4.7.0", "Server busy", "Too many connections, try again later."),
    SENDER_DOMAIN_NOT_FOUND(36, 550, "5.1.8", "Sender domain not found",
            "Sender address rejected: domain {domain} not found."),
    SENDER_DOMAIN_TEMPFAIL(37, 450, "4.1.8", "Sender domain not resolvable now",
            "Sender address rejected: domain {domain} cannot be resolved now."),
    NO_REVERSE_HOSTNAME(38, 450, "4.7.1", "No reverse hostname",
            "Client host rejected: cannot find your reverse hostname, [{client_ip}]."),
    TLS_REQUIRED(39, 530, "5.7.0", "TLS required",
            "Your sender domain is required to send via an encrypted SMTP session."),
    RATE_EXCEEDED(40, 450, "4.7.1", "Sender rate exceeded", "Sender rate exceeded, try again later."),
    DMARC_REJECT(41, 550, "5.7.1", "DMARC reject", "Message failed the DMARC policy of {domain}, which says reject."),
    DOWNSTREAM_UNAVAILABLE(42, 451, "4.4.1", "Downstream unavailable",
            "Mail system temporarily unavailable, please try again later."),
    DOWNSTREAM_REJECTED(43, 550, "5.0.0", "Refused by the downstream mail server", "Refused: {downstream}"),
    BLOCKED_ATTACHMENT(44, 554, "5.7.1", "Blocked attachment type", "Attachment type of {name} is blocked."),
    OUTLOOK_BLOCKED_ATTACHMENT(45, 554, "5.7.1", "Attachment type on Outlook's blocked list",
            "Attachment type of {name} is on Outlook's blocked list."),
    WINZIP_EXPLOIT_ATTACHMENT(46, 554, "5.7.1", "Attachment exploitable through WinZip",
            "Attachment {name} can be used to exploit WinZip (.b64 .bhx .hqx .mim .uue .xxe)."),
    ATTACHMENT_NAME_TOO_LONG(47, 554, "5.7.1", "Attachment name too long",
            "The name of the attached document is longer than {limit} characters."),
    BARE_NEWLINE(48, 554, "5.5.2", "Bare CR or LF in message",
            "Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8)."),
    PROXY_NOT_ALLOWED(49, 550, "5.7.0", "XCLIENT/PROXY not allowed", "{command} is not allowed from {client_ip}."),
    TIMEOUT(50, 421, "4.4.2", "Timeout", "Timeout exceeded, closing connection."),
    TOO_MANY_ERRORS(51, 421, "4.7.0", "Too many errors", "Too many errors, closing connection."),
    MIXED_CONTENT_POLICY(52, 452, "4.5.3", "Recipient needs a separate transaction",
            "Recipient <{recipient}> has a different content policy, send it in a separate transaction."),
    BAD_RECIPIENT_SYNTAX(53, 501, "5.1.3", "Bad recipient address syntax", "Bad recipient address syntax: {reason}."),
    BAD_SENDER_SYNTAX(54, 501, "5.1.7", "Bad sender address syntax", "Bad sender address syntax: {reason}."),
    DNS_TEMPFAIL(55, 451, "4.4.3", "DNS lookup failed", "Temporary DNS failure, please try again later."),
    SENDER_BLOCKLISTED(56, 550, "5.7.1", "Sender blocklisted", "Sender <{sender}> is blocked by local policy."),
    RBL_LISTED(57, 550, "5.7.1", "IP address listed in an RBL", "IP address {client_ip} is listed in {zone}."),
    DOWNSTREAM_DEFERRED(58, 451, "4.4.0", "Deferred by the downstream mail server", "Deferred: {downstream}"),
    SHUTTING_DOWN(59, 421, "4.3.2", "Service shutting down", "Service shutting down, please try again later."),
    ARCHIVE_BOMB(60, 554, "5.7.1", "Archive bomb", "Attachment {name} looks like an archive bomb: {reason}."),
    ENCRYPTED_ARCHIVE(61, 554, "5.7.1", "Encrypted archive",
            "Attachment {name} is an encrypted archive, which cannot be scanned."),
    UNREADABLE_ARCHIVE(62, 554, "5.7.1", "Damaged archive", "Attachment {name} is a damaged archive, which cannot be scanned."),
    MALFORMED_MIME(63, 554, "5.6.0", "Malformed MIME structure", "Message refused: malformed MIME structure: {reason}."),
    DECEPTIVE_ATTACHMENT_NAME(64, 554, "5.7.1", "Attachment name hides its type",
            "Attachment name {name} hides its type with invisible or right-to-left characters."),
    VIRUS_SCANNER_UNAVAILABLE(65, 451, "4.3.0", "Virus scanner unavailable",
            "Virus scanner unavailable, please try again later."),
    CONTENT_SCAN_FAILED(66, 451, "4.3.0", "Content scan failed", "Message could not be scanned now, please try again later."),
    TOO_LARGE_TO_SCAN(67, 552, "5.3.4", "Message too large to scan",
            "Message too large to be scanned for viruses, the limit is {limit} bytes."),
    HEADER_SECTION_TOO_LARGE(68, 552, "5.3.4", "Header section too large",
            "Message header size exceeds the limit of {limit} bytes."),
    HEADER_LINE_TOO_LONG(69, 554, "5.6.0", "Header line too long",
            "Message refused: a header line is longer than {limit} characters."),
    MISSING_HEADER(70, 554, "5.6.0", "Required header missing", "Message refused: required header field {header} is missing."),
    DUPLICATE_HEADER(71, 554, "5.6.0", "Header field repeated",
            "Message refused: header field {header} appears {count} times, at most once is allowed."),
    SENDER_DOMAIN_NULL_MX(72, 550, "5.7.27", "Sender domain accepts no mail (null MX)",
            "Sender address rejected: domain {domain} accepts no mail (null MX)."),
    EARLY_TALKER(73, 554, "5.5.1", "Talked before the greeting", "Protocol error: commands sent before the greeting."),
    TLS_REQUIRED_FOR_RECIPIENT(74, 530, "5.7.0", "TLS required for the recipient's domain",
            "Mail for <{recipient}> must arrive over an encrypted SMTP session (STARTTLS)."),
    FROM_HEADER_INVALID(75, 554, "5.6.0", "Not exactly one From: address",
            "Message refused: it must have exactly one From: address (RFC 5322 3.6.2), it has {count}."),
    CONNECTION_RATE_EXCEEDED(76, 421, "4.7.0", "Connection rate exceeded",
            "Too many connections from {client_ip} in a short time, try again later."),
    // recipients check, dictionary-attack guard and sender verification (issue 15)
    DICTIONARY_ATTACK(77, 421, "4.7.0", "Too many unknown recipients",
            "Too many unknown recipients from {client_ip}, try again later."),
    RECIPIENT_LOOKUP_TEMPFAIL(78, 451, "4.4.3", "Recipient directory unavailable",
            "Recipient <{recipient}> cannot be verified now, please try again later."),
    RECIPIENT_CALLOUT_TEMPFAIL(79, 451, "4.4.1", "Could not complete recipient callout",
            "Could not complete recipient callout for <{recipient}>, please try again later."),
    SENDER_VERIFY_FAILED(80, 550, "5.1.7", "Sender Verify Failed",
            "Sender address rejected: Sender Verify Failed for <{sender}>."),
    SENDER_VERIFY_TEMPFAIL(81, 450, "4.1.7", "Sender verification not completed",
            "Sender address rejected: could not verify <{sender}> now, please try again later."),
    // the policy store's domain- and user-level block lists (issue 22; operator scope keeps 15 and 56)
    DOMAIN_BLOCKLISTED(82, 550, "5.7.1", "The sender is Blocklisted at the domain level",
            "Sender <{sender}> is blocklisted by the domain {domain}."),
    USER_BLOCKLISTED(83, 550, "5.7.1", "The sender is Blocklisted at the user level",
            "Sender <{sender}> is blocklisted by the recipient <{recipient}>."),
    // spam classification by rspamd or spamd, and the Spamcop DNSBL preset (issue 23)
    SPAM_REJECTED(84, 550, "5.7.1", "Message classified as spam",
            "Message classified as spam (score {score} / {threshold})."),
    SPAM_DEFERRED(85, 451, "4.7.1", "Message deferred as possible spam",
            "Message deferred as possible spam (score {score}), please try again later."),
    SPAMCOP_LISTED(86, 550, "5.7.1", "The sending server is Blocklisted by Spamcop",
            "The sending server {client_ip} is Blocklisted by Spamcop, see https://spamcop.net/bl.shtml"
                    + " (an address is removed after 24 hours without new reports)."),
    // account states, sending quotas, unknown local senders (issue 24)
    USER_SUSPENDED(87, 554, "5.7.1", "USER IS SUSPENDED", "Recipient <{recipient}>: USER IS SUSPENDED."),
    MAILBOX_OVER_QUOTA(88, 452, "4.2.2", "Mailbox exceeded its storage allocation (quota exceeded, temporary)",
            "Mailbox of <{recipient}> has exceeded its storage allocation (quota exceeded), please try again later."),
    MAILBOX_OVER_QUOTA_PERMANENT(89, 552, "5.2.2", "Mailbox exceeded its storage allocation",
            "Requested mail action aborted: the mailbox of <{recipient}> exceeded its storage allocation."),
    HOURLY_DOMAIN_SENDING_QUOTA_EXCEEDED(90, 550, "5.4.5", "Hourly domain sending quota exceeded",
            "Hourly domain sending quota exceeded, try again later."),
    HOURLY_SENDING_QUOTA_EXCEEDED(91, 550, "5.4.6", "Hourly sending quota exceeded",
            "Hourly sending quota exceeded, try again later."),
    UNLISTED_SENDER(92, 550, "5.1.0", "Sender domain is hosted here, but the sender address does not exist",
            "Sender address rejected: domain {domain} is hosted here, but the address <{sender}> you sent from does not exist."),
    ACCOUNT_IN_MAINTENANCE(93, 450, "4.2.1", "Mailbox temporarily disabled (account in maintenance)",
            "Mailbox of <{recipient}> is temporarily disabled (maintenance), please try again later.");

    /** Whether an entry is emitted. Defunct and internal entries are listed but never used by checks. */
    public enum Status { ACTIVE, DEFUNCT, INTERNAL }

    /** An entry's data, apart from its name. */
    private record Entry(int number, int smtpCode, String enhanced, String title, String template, Status status) {}

    private final Entry entry;

    Code(int number, int smtpCode, String enhanced, String title, String template) {
        this(number, smtpCode, enhanced, title, template, Status.ACTIVE);
    }

    Code(int number, int smtpCode, String enhanced, String title, String template, Status status) {
        this.entry = new Entry(number, smtpCode, enhanced, title, template, status);
    }

    /** The XM-RJCT number. */
    public int number() { return entry.number(); }
    /** The SMTP reply code (550, 451, ...). */
    public int smtpCode() { return entry.smtpCode(); }
    /** The RFC 3463 enhanced status code, e.g. {@code 5.7.1}. */
    public String enhanced() { return entry.enhanced(); }
    /** The table's title for the entry. */
    public String title() { return entry.title(); }
    /** The reply text, with {placeholders}. */
    public String template() { return entry.template(); }
    /** Whether the entry is emitted. */
    public Status status() { return entry.status(); }

    /** The name used in configuration files, e.g. {@code relay-denied}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Looks an entry up by its configuration name; null if there is none. */
    public static Code byKey(String key) {
        for (Code c : values()) {
            if (c.key().equals(key)) return c;
        }
        return null;
    }
}
