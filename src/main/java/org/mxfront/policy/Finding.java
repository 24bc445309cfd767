// What one check said at one stage, for `mxfront explain` ("why was this rejected?").
package org.mxfront.policy;

import org.mxfront.codes.Reply;

/**
 * One check's verdict at one stage.
 *
 * @param stage   the stage
 * @param check   the check's configuration key
 * @param mode    enforce or log-only
 * @param verdict what it said
 * @param reply   the reply its verdict renders to, or null for Continue/Accept
 */
public record Finding(Stage stage, String check, Mode mode, Verdict verdict, Reply reply) {}
