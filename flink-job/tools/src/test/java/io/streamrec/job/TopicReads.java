package io.streamrec.job;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** How the end-to-end tests wait for what the job wrote to a topic: poll until a condition holds, or fail. */
final class TopicReads {

    private TopicReads() {}

    /** Polls into {@code seen} until {@code done} holds on everything read so far; fails after the timeout. */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(KafkaConsumer<byte[], byte[]> c,
            List<ConsumerRecord<byte[], byte[]>> seen, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(seen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; read " + seen.size() + " records");
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                seen.add(r);
            }
        }
        return seen;
    }

    /** Reads until at least {@code n} records arrived; fails after the timeout. */
    static List<ConsumerRecord<byte[], byte[]>> readAtLeast(KafkaConsumer<byte[], byte[]> c, int n,
            Duration timeout) {
        return readUntil(c, new ArrayList<>(), l -> l.size() >= n, timeout, n + " records");
    }
}
