package io.streamrec.demo;

import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.LiveProducer;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import io.streamrec.storefront.Storefront;
import io.streamrec.storefront.StorefrontOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The one-command demo: a real Kafka broker in-process, the streamrec job on a local MiniCluster with RocksDB,
 * simulated shoppers producing at a modest rate, and a terminal view of a few shoppers' latest events next to their
 * current top-5, with throughput, latency and the dead-letter count, and the storefront web page on the same broker
 * (a product grid and a live "Recommended for you" panel; its URL is printed). Ctrl-C (or {@code --duration}) stops
 * it all.
 */
public final class Demo {

    /** What a finished run saw (for the smoke test and the closing summary). */
    public record Result(long eventsSent, long recommendations, long deadLetters, long framesWithRecommendations,
            long[] latencyP50P99) {}

    private final DemoOptions o;
    private final PrintStream out;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean summarised = new AtomicBoolean();
    private Path logFile;
    private final Object stopLock = new Object();
    private volatile boolean stopped;

    private EmbeddedKafka kafka;
    private Path tempDir;
    private JobClient job;
    private LiveProducer producer;
    private Thread consumerThread;
    private volatile boolean consuming = true;
    private DemoView view;
    private World world;
    private Simulator sim;
    private Storefront storefront;
    private long framesWithRecs;

    public Demo(DemoOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    public Result run() throws Exception {
        Thread hook = new Thread(() -> { // Ctrl-C: the same summary as a timed run
            stop();
            summary();
        }, "streamrec-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            start();
            loop();
        } finally {
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs stop(), which is idempotent
            }
        }
        return summary();
    }

    /** What the run saw; printed once, whether the run ended by itself or by Ctrl-C. */
    private Result summary() {
        Result r = new Result(sim == null ? 0 : sim.eventsSent(), view == null ? 0 : view.recommendations(),
                view == null ? 0 : view.deadLetters(), framesWithRecs, view == null ? null : view.latencyPercentiles());
        if (summarised.compareAndSet(false, true)) {
            out.printf(Locale.ROOT, "%nstreamrec demo finished: %d events sent, %d recommendations received, "
                    + "%d dead letters%s%n", r.eventsSent(), r.recommendations(), r.deadLetters(),
                    logFile == null ? "" : "; log: " + logFile);
            out.flush();
        }
        return r;
    }

    private void start() throws Exception {
        long t0 = System.nanoTime();
        tempDir = Files.createTempDirectory("streamrec-demo-");
        logFile = Files.createTempFile("streamrec-demo-", ".log");
        DemoLog.toFile(logFile); // no log line inside the view
        status("logs go to " + logFile);
        status("starting Kafka (KRaft, in-process) ...");
        kafka = EmbeddedKafka.start();
        kafka.createTopics(Topics.Names.defaults(), Math.max(1, o.parallelism));
        status("Kafka ready at " + kafka.bootstrapServers() + " in " + kafka.startMillis() + " ms; topics created");

        SimConfig cfg = SimConfig.defaults().seed(o.seed).users(o.users).items(o.items).categories(o.categories)
                .startMs(System.currentTimeMillis());
        cfg.firstSessionSpreadHours = 1.0; // everyone shows up within the first seconds of the demo
        world = new World(cfg, "e" + Long.toString(System.currentTimeMillis() / 1000, 36) + "-");
        view = new DemoView(world.catalogue(), world.mostActiveUsers(o.watch));
        sim = new Simulator(world, o.malformedRate, o.duplicateRate, System::currentTimeMillis);

        if (o.noJob) {
            status("--no-job: not starting the Flink job");
        } else {
            status("starting the streamrec job on a local MiniCluster (" + o.stateBackend + " state, parallelism "
                    + o.parallelism + ") ...");
            job = startJob(jobConfig());
            waitForRunning(job, Duration.ofSeconds(90));
            status("job " + job.getJobID() + " RUNNING");
        }
        startConsumer();
        if (!o.noStorefront) {
            StorefrontOptions so = new StorefrontOptions();
            so.bootstrapServers = kafka.bootstrapServers();
            so.bind = o.storefrontBind;
            so.port = o.storefrontPort;
            so.suggestedShoppers = view.watched();
            storefront = Storefront.startOrOnFreePort(so, this::status);
            status("storefront at " + storefront.url() + " (open it in a browser: click products and watch the "
                    + "panel)");
        }
        producer = new LiveProducer(kafka.bootstrapServers(), sim, Topics.EVENTS, Topics.ITEMS, o.rate, 0,
                o.duration, view::onSent).start();
        status(String.format(Locale.ROOT, "simulating %d shoppers at %.0f events/s (seed %d); ready in %.1f s%s",
                o.users, o.rate, o.seed, (System.nanoTime() - t0) / 1e9,
                o.duration == null ? "; Ctrl-C to stop" : "; stopping after " + o.duration.toSeconds() + " s"));
    }

    Configuration jobConfig() {
        Configuration c = new Configuration();
        c.setString("kafka.bootstrap-servers", kafka.bootstrapServers());
        c.setString("kafka.group-id", "streamrec-demo");
        c.setString("kafka.starting-offsets", "earliest");
        c.setString("topic.events", Topics.EVENTS);
        c.setString("topic.items", Topics.ITEMS);
        c.setString("topic.recommendations", Topics.RECOMMENDATIONS);
        c.setString("topic.dlq", Topics.DLQ);
        c.setString("topic.feedback", Topics.FEEDBACK);
        c.setString("model.path", o.modelPath);
        c.setString("recs.top-k", Integer.toString(o.topK));
        c.setString("recs.discover-list", "true"); // the view shows both lists
        c.setString("parallelism.default", Integer.toString(o.parallelism));
        c.setString("state.backend.type", o.stateBackend);
        c.setString("execution.checkpointing.dir", tempDir.resolve("checkpoints").toUri().toString());
        c.setString("execution.checkpointing.interval", "10 s");
        c.setString("rest.port", "0");
        return c;
    }

    /** Calls {@code StreamrecJob.executeAsync(Configuration)}: a local MiniCluster, since this is plain java. */
    static JobClient startJob(Configuration conf) throws Exception {
        return StreamrecJob.executeAsync(conf);
    }

    private static void waitForRunning(JobClient job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var st = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (st == org.apache.flink.api.common.JobStatus.RUNNING) {
                return;
            }
            if (st.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS); // throws the job's failure
                throw new IllegalStateException("the job ended before running: " + st);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the job did not reach RUNNING within " + timeout.toSeconds() + " s");
    }

    private void startConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "streamrec-demo-view");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(Topics.RECOMMENDATIONS, Topics.DLQ));
        consumerThread = new Thread(() -> {
            try {
                while (consuming) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.topic().equals(Topics.DLQ)) {
                            view.onDeadLetter(r.value());
                        } else {
                            view.onRecommendation(r.value(), System.currentTimeMillis());
                        }
                    }
                }
            } catch (Exception e) {
                if (consuming) {
                    status("view consumer failed: " + e);
                }
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }, "streamrec-demo-view");
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /** How long the demo waits, after its last event, for the job's lists to the events it sent. */
    private static final Duration DRAIN = Duration.ofSeconds(20);

    private void loop() throws Exception {
        long start = System.nanoTime();
        long lastEvents = 0;
        long lastRecs = 0;
        long lastT = start;
        boolean finishing = false;
        long drainUntil = Long.MAX_VALUE;
        while (!stopping.get()) {
            Thread.sleep(o.refresh.toMillis());
            if (stopping.get()) {
                break;
            }
            long now = System.nanoTime();
            long ev = sim.eventsSent();
            long rc = view.recommendations();
            double dt = (now - lastT) / 1e9;
            render((now - start) / 1e9, (ev - lastEvents) / dt, (rc - lastRecs) / dt);
            lastEvents = ev;
            lastRecs = rc;
            lastT = now;
            if (finishing && (rc + view.deadLetters() >= ev || now >= drainUntil)) {
                break;
            }
            if (!finishing && producer.isDone()) {
                if (producer.error() != null) {
                    throw producer.error();
                }
                // --duration reached: keep showing frames until the job has answered every event sent (a busy
                // machine can lag by seconds), for at most DRAIN.
                finishing = true;
                drainUntil = now + DRAIN.toNanos();
                continue;
            }
            if (job != null && job.getJobStatus().get(5, TimeUnit.SECONDS).isGloballyTerminalState()) {
                status("the job stopped: " + job.getJobStatus().get());
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
                break;
            }
        }
    }

    private void render(double elapsed, double evRate, double recRate) {
        int[] size = DemoView.terminalSize();
        String frame = view.frame(new DemoView.Header(elapsed, kafka.bootstrapServers(), sim.eventsSent(), evRate,
                        sim.malformedSent(), sim.duplicatesSent(), sim.updatesSent(), recRate,
                        storefront == null ? null : storefront.url()),
                u -> DemoView.interestLabels(world.catalogue(), world.trueCategoryInterest(u, world.now()), 3),
                size[0], size[1]);
        if (view.watched().stream().anyMatch(u -> view.latest(u) != null)) {
            framesWithRecs++;
        }
        out.print(o.plain ? "\n" + frame : "\033[H\033[2J" + frame);
        out.flush();
    }

    private void status(String msg) {
        out.println("[demo] " + msg);
        out.flush();
    }

    /** Stops everything, in order; safe to call twice and from the shutdown hook. */
    public void stop() {
        synchronized (stopLock) {
            stopping.set(true);
            if (stopped) {
                return;
            }
            stopped = true;
            if (producer != null) {
                producer.close();
            }
            if (storefront != null) {
                storefront.close();
            }
            if (job != null) {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // already finished or failed: nothing left to cancel
                }
            }
            consuming = false;
            if (consumerThread != null) {
                try {
                    consumerThread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (kafka != null) {
                try {
                    kafka.close();
                } catch (Exception e) {
                    // best effort on the way out
                }
            }
            deleteRecursively(tempDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // temp files
        }
    }
}
