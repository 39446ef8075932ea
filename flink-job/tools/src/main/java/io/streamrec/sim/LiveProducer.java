package io.streamrec.sim;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces a {@link Simulator}'s records to Kafka at a steady rate on a background thread: events (including
 * malformed ones and duplicates) to the events topic keyed by user_id, catalogue updates to the items topic keyed by
 * item_id. The whole catalogue is sent first.
 */
public final class LiveProducer implements AutoCloseable {
    private final Simulator sim;
    private final KafkaProducer<String, byte[]> producer;
    private final String eventsTopic;
    private final String itemsTopic;
    private final double rate;
    private final long maxEvents;
    private final Duration duration;
    private final Consumer<SimRecord> listener;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private volatile boolean running = true;

    /**
     * @param rate records per second on the events topic (malformed and duplicates included)
     * @param maxEvents stop after this many event records (0 = no limit)
     * @param duration stop after this long (null = no limit)
     * @param listener called on the producer thread for every record sent (may be null)
     */
    public LiveProducer(String bootstrapServers, Simulator sim, String eventsTopic, String itemsTopic, double rate,
            long maxEvents, Duration duration, Consumer<SimRecord> listener) {
        this(bootstrapServers, java.util.Map.of(), sim, eventsTopic, itemsTopic, rate, maxEvents, duration, listener);
    }

    /** @param kafkaProperties Kafka client settings (SASL/TLS, ...) applied over the producer's defaults */
    public LiveProducer(String bootstrapServers, java.util.Map<String, String> kafkaProperties, Simulator sim,
            String eventsTopic, String itemsTopic, double rate, long maxEvents, Duration duration,
            Consumer<SimRecord> listener) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be > 0");
        }
        this.sim = sim;
        this.eventsTopic = eventsTopic;
        this.itemsTopic = itemsTopic;
        this.rate = rate;
        this.maxEvents = maxEvents;
        this.duration = duration;
        this.listener = listener;
        this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, kafkaProperties));
        this.thread = new Thread(this::run, "streamrec-simulator");
        this.thread.setDaemon(true);
    }

    /** The producer's client configuration: its defaults, then {@code kafkaProperties} (the user's) over them. */
    static Properties producerConfig(String bootstrapServers, java.util.Map<String, String> kafkaProperties) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "streamrec-simulator");
        p.putAll(kafkaProperties);
        return p;
    }

    public LiveProducer start() {
        thread.start();
        return this;
    }

    /** Event records handed to Kafka so far (acknowledged or not). */
    public long sent() { return sent.get(); }
    public long failed() { return failed.get(); }
    public Simulator simulator() { return sim; }

    /** Waits until the duration or event limit is reached (or {@link #close()}). */
    public void await() throws InterruptedException {
        done.await();
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    private void run() {
        try {
            for (SimRecord r : sim.catalogueSnapshot()) {
                send(r);
            }
            long start = System.nanoTime();
            long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
            long eventRecords = 0;
            while (running) {
                long nowNs = System.nanoTime();
                if (nowNs >= deadline || (maxEvents > 0 && eventRecords >= maxEvents)) {
                    break;
                }
                long due = (long) (rate * (nowNs - start) / 1e9) - eventRecords;
                if (due <= 0) {
                    Thread.sleep(Math.max(1, Math.min(50, (long) (1000 / rate))));
                    continue;
                }
                for (long i = 0; i < Math.min(due, 5000) && running; i++) {
                    SimRecord r = sim.next();
                    send(r);
                    if (!r.itemUpdate()) {
                        eventRecords++;
                        if (maxEvents > 0 && eventRecords >= maxEvents) {
                            break;
                        }
                    }
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            firstError.compareAndSet(null, e);
        } finally {
            done.countDown();
        }
    }

    private void send(SimRecord r) {
        String topic = r.itemUpdate() ? itemsTopic : eventsTopic;
        producer.send(new ProducerRecord<>(topic, r.key(), r.value()), (md, ex) -> {
            if (ex != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, ex);
            }
        });
        if (!r.itemUpdate()) {
            sent.incrementAndGet();
        }
        if (listener != null) {
            listener.accept(r);
        }
    }

    /** The first send error, if any. */
    public Exception error() {
        return firstError.get();
    }

    /** Stops producing, flushes what was sent, closes the producer. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
