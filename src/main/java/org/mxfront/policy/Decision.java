// The engine's answer to a front door: a verdict, the check that gave it, and the reply to send.
package org.mxfront.policy;

import org.mxfront.codes.Reply;

/**
 * The outcome of evaluating one stage.
 *
 * @param verdict the deciding verdict ({@link Verdict#CONTINUE} when nothing objected)
 * @param check   the name of the deciding check, null when none decided
 * @param reply   the rendered reply for a negative verdict, null otherwise
 */
public record Decision(Verdict verdict, String check, Reply reply) {
    public static final Decision PROCEED = new Decision(Verdict.CONTINUE, null, null);

    /** True when the conversation may go on (Continue or Accept). */
    public boolean proceed() { return !verdict.negative(); }

    /** True when the front door must close the connection after sending the reply. */
    public boolean disconnect() { return verdict instanceof Verdict.Disconnect; }
}
