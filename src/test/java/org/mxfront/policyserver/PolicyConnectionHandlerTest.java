// Where a policy request is answered: on the event loop when its answer cannot wait (no thread
// hand-off), on the executor when it may, and never ahead of an earlier request still being answered.
package org.mxfront.policyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.mxfront.metrics.MxMeters;

class PolicyConnectionHandlerTest {
    /** An executor that only queues: the test runs the tasks when it wants. */
    final List<Runnable> queued = new ArrayList<>();
    final Executor executor = queued::add;

    /** Answers "DUNNO recipient"; requests for recipients starting with "slow" may block. */
    final PolicyConnectionHandler.Answerer answerer = new PolicyConnectionHandler.Answerer() {
        @Override
        public String answer(PolicyRequest r) {
            return "DUNNO " + r.recipient();
        }

        @Override
        public PolicyConnectionHandler.Job prepare(PolicyRequest r) {
            return new PolicyConnectionHandler.Job(r.recipient().startsWith("slow"), () -> answer(r));
        }
    };

    EmbeddedChannel channel() {
        return new EmbeddedChannel(new PolicyRequestDecoder(4096, 100), new PolicyConnectionHandler(executor, answerer,
                new PolicyMeters(new MxMeters(new SimpleMeterRegistry())), new Traffic(10)));
    }

    static String request(String recipient) {
        return "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.7\nrecipient=" + recipient + "\n\n";
    }

    @Test
    void anAnswerThatCannotWaitIsGivenOnTheEventLoop() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(PolicyRequestDecoderTest.bytes(request("fast@example.com")));
        assertEquals(0, queued.size());
        assertEquals("action=DUNNO fast@example.com\n\n", PolicyRequestDecoderTest.written(ch));
    }

    @Test
    void anAnswerThatMayWaitGoesToTheExecutorAndLaterOnesWaitTheirTurn() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(PolicyRequestDecoderTest.bytes(request("slow@example.com") + request("fast@example.com")));
        assertEquals(1, queued.size());
        assertEquals("", PolicyRequestDecoderTest.written(ch), "the fast request must not overtake the slow one");
        for (int i = 0; i < queued.size(); i++) queued.get(i).run(); // the fast one is queued once the slow one is done
        assertEquals(2, queued.size());
        ch.runPendingTasks();
        assertEquals("action=DUNNO slow@example.com\n\naction=DUNNO fast@example.com\n\n", PolicyRequestDecoderTest.written(ch));
        // the chain is done: the next fast request is answered at once again
        queued.clear();
        ch.writeInbound(PolicyRequestDecoderTest.bytes(request("fast2@example.com")));
        assertEquals(0, queued.size());
        assertEquals("action=DUNNO fast2@example.com\n\n", PolicyRequestDecoderTest.written(ch));
    }
}
