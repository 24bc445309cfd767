// The points of an SMTP conversation at which the policy engine is asked for a verdict.
package org.mxfront.policy;

/** Stages of a conversation, in order. HEADERS runs when the header section is complete, END_OF_DATA at the final dot. */
public enum Stage { CONNECT, HELO, MAIL, RCPT, HEADERS, END_OF_DATA }
