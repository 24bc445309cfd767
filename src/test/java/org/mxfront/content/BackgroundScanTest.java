// The hand-over between the session thread and the scanning thread.
package org.mxfront.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.mxfront.codes.Code;
import org.mxfront.policy.Verdict;

class BackgroundScanTest {
    @Test
    void theScannerSeesEveryByteInOrder() throws Exception {
        byte[] data = new byte[1_000_003];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        try (BackgroundScan<Verdict> s = new BackgroundScan<>("t", 1000, 2, Duration.ofSeconds(30), in -> {
            byte[] got = in.readAllBytes();
            return java.util.Arrays.equals(got, data) ? Verdict.CONTINUE : Verdict.reject(Code.MALFORMED_MIME, Map.of());
        })) {
            for (int off = 0; off < data.length; off += 777) s.write(data, off, Math.min(777, data.length - off));
            assertEquals(Verdict.CONTINUE, s.finish(Duration.ofSeconds(30)));
        }
    }

    @Test
    void afterAnEarlyVerdictWritesAreDropped() throws Exception {
        Verdict v = Verdict.reject(Code.BLOCKED_ATTACHMENT, Map.of("name", "a.exe"));
        try (BackgroundScan<Verdict> s = new BackgroundScan<>("t", 10, 1, Duration.ofDays(1), in -> {
            in.read();
            return v;
        })) {
            // 10 MB through a queue of one 10-byte chunk: only possible because the scanner is done
            byte[] chunk = new byte[1000];
            for (int i = 0; i < 10_000; i++) s.write(chunk, 0, chunk.length);
            assertEquals(v, s.finish(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aStuckScannerTimesOutAndAFailingOneReportsItsFailure() throws Exception {
        try (BackgroundScan<Verdict> s = new BackgroundScan<>("t", 10, 1, Duration.ofMillis(50), in -> {
            Thread.sleep(Long.MAX_VALUE);
            return Verdict.CONTINUE;
        })) {
            s.write(new byte[100], 0, 100);
            assertThrows(TimeoutException.class, () -> s.finish(Duration.ofMillis(50)));
        }
        try (BackgroundScan<Verdict> s = new BackgroundScan<>("t", 10, 1, Duration.ofSeconds(30), in -> {
            throw new IllegalStateException("boom");
        })) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> s.finish(Duration.ofSeconds(30)));
            assertEquals("boom", e.getCause().getMessage());
        }
    }

    @Test
    void mayBlockOnlyWhenTheQueueHasNoRoomForTheBytes() throws Exception {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try (BackgroundScan<Verdict> s = new BackgroundScan<>("t", 10, 2, Duration.ofSeconds(30), in -> {
            go.await();
            in.readAllBytes();
            return Verdict.CONTINUE;
        })) {
            // the scanner reads nothing until go: what is queued stays queued
            assertFalse(s.mayBlock(9), "bytes that stay in the chunk being filled never wait");
            s.write(new byte[20], 0, 20); // two chunks: the queue (2) is full, the scanner takes nothing yet
            assertTrue(s.mayBlock(10), "a full chunk more needs room the stalled scanner has not made");
            assertFalse(s.mayBlock(0));
            go.countDown();
            assertEquals(Verdict.CONTINUE, s.finish(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aMessageWithinOneChunkIsScannedOnTheCallersThreadAtFinish() throws Exception {
        Thread caller = Thread.currentThread();
        Thread[] ranOn = new Thread[1];
        try (BackgroundScan<Verdict> s = new BackgroundScan<>("t", 100, 2, Duration.ofSeconds(30), in -> {
            ranOn[0] = Thread.currentThread();
            assertEquals(99, in.readAllBytes().length);
            return Verdict.CONTINUE;
        })) {
            s.write(new byte[99], 0, 99);
            assertFalse(s.finishMayBlock(), "nothing runs yet, and the scan at finish needs no other thread");
            assertEquals(Verdict.CONTINUE, s.finish(Duration.ofSeconds(30)));
            assertEquals(caller, ranOn[0]);
        }
        try (BackgroundScan<Verdict> s = new BackgroundScan<>("t", 100, 2, Duration.ofSeconds(30), in -> {
            ranOn[0] = Thread.currentThread();
            assertEquals(250, in.readAllBytes().length);
            return Verdict.CONTINUE;
        })) {
            s.write(new byte[250], 0, 250);
            assertEquals(Verdict.CONTINUE, s.finish(Duration.ofSeconds(30)));
            assertTrue(ranOn[0] != caller && ranOn[0].isVirtual(), "a message over one chunk is scanned while it arrives");
        }
    }
}
