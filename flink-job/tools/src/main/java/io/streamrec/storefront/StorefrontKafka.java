package io.streamrec.storefront;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The storefront's Kafka side: one consumer thread that reads the catalogue topic from its start (it is compacted:
 * the start is the whole catalogue), the tail of the recommendations topic (so a shopper's current list is there when
 * the page opens) and the tail of the events topic (who is shopping), and one producer for the gateway's events,
 * keyed by user id as the contract says. No consumer group: the storefront commits nothing and every start reads the
 * same way. Lists are read {@code read_committed}, so an exactly-once job's uncommitted output never shows.
 */
final class StorefrontKafka implements AutoCloseable {
    /** Records per partition of the recommendations and events topics read back at start. */
    static final long TAIL_RECORDS = 20_000;

    private final StorefrontOptions o;
    private final ProductCatalog catalog;
    private final RecommendationFeed feed;
    private final ShopperDirectory shoppers;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile Exception failure;

    StorefrontKafka(StorefrontOptions o, ProductCatalog catalog, RecommendationFeed feed, ShopperDirectory shoppers) {
        this.o = o;
        this.catalog = catalog;
        this.feed = feed;
        this.shoppers = shoppers;
        Properties p = base();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(p);
        this.thread = new Thread(this::consume, "streamrec-storefront-kafka");
        thread.setDaemon(true);
    }

    private Properties base() {
        Properties p = new Properties();
        p.put("bootstrap.servers", o.bootstrapServers);
        p.putAll(o.kafkaProperties);
        return p;
    }

    /** Starts reading; waits until the topics' partitions are assigned and positioned (or fails). */
    void start(Duration timeout) throws Exception {
        thread.start();
        try {
            assigned.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + o.bootstrapServers + " did not describe the topics "
                    + List.of(o.itemsTopic, o.recommendationsTopic, o.eventsTopic) + " within "
                    + timeout.toSeconds() + " s");
        }
    }

    /** Sends an accepted event; completes when the broker has it. */
    CompletableFuture<Void> send(String userId, byte[] value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(o.eventsTopic, userId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                value), (md, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(null);
                    }
                });
        return done;
    }

    Exception failure() {
        return failure;
    }

    private void consume() {
        Properties p = base();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> items = partitions(c, o.itemsTopic);
            List<TopicPartition> recs = partitions(c, o.recommendationsTopic);
            List<TopicPartition> events = partitions(c, o.eventsTopic);
            List<TopicPartition> all = new ArrayList<>(items);
            all.addAll(recs);
            all.addAll(events);
            c.assign(all);
            c.seekToBeginning(items);
            Map<TopicPartition, Long> ends = c.endOffsets(all);
            Map<TopicPartition, Long> begins = c.beginningOffsets(all);
            for (TopicPartition tp : recs) {
                c.seek(tp, Math.max(begins.get(tp), ends.get(tp) - TAIL_RECORDS));
            }
            for (TopicPartition tp : events) {
                c.seek(tp, Math.max(begins.get(tp), ends.get(tp) - TAIL_RECORDS));
            }
            assigned.complete(null);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(o.itemsTopic)) {
                        catalog.apply(r.key(), r.value());
                    } else if (r.topic().equals(o.recommendationsTopic)) {
                        if (r.value() != null) {
                            feed.publish(r.value(), System.currentTimeMillis());
                        }
                    } else {
                        shoppers.seen(r.key(), r.value());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // closing
        } catch (Exception e) {
            failure = e;
            assigned.completeExceptionally(e);
        }
    }

    /** The topic's partitions; waits for the topic to exist (the demo creates it just before). */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (running) {
            List<PartitionInfo> infos;
            try {
                infos = c.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> out = new ArrayList<>();
                for (PartitionInfo i : infos) {
                    out.add(new TopicPartition(i.topic(), i.partition()));
                }
                return out;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic '" + topic + "' does not exist at " + o.bootstrapServers);
            }
            Thread.sleep(500);
        }
        return List.of();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
