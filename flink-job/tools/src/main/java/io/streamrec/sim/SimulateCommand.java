package io.streamrec.sim;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.config.Secrets;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.kafka.Topics;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code streamrec simulate}: simulated storefront traffic to a JSON-lines file or to Kafka. */
public final class SimulateCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("out", "items-out", "kafka.bootstrap-servers", "users", "items",
            "categories", "events", "seed", "malformed-rate", "duplicate-rate", "rate", "duration", "time",
            "topic.events", "topic.items", "start", "partitions", "trend-shift-hours", "trend-categories",
            "trend-boost", "trend-launch");
    /** The job's option names are canonical; these older names of the same settings still work. */
    static final Map<String, String> ALIASES = Map.of("bootstrap-servers", "kafka.bootstrap-servers",
            "topic-events", "topic.events", "topic-items", "topic.items");
    private static final Set<String> FLAGS = Set.of("create-topics", "help");

    @Override
    public String name() {
        return "simulate";
    }

    @Override
    public String summary() {
        return "simulated shoppers: write events to a JSON-lines file, or produce them to Kafka";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: streamrec simulate --out FILE [options]                 (file mode)",
                "       streamrec simulate --kafka.bootstrap-servers HOST:PORT [options] (Kafka mode)",
                "",
                "World (the same seed and sizes give the same catalogue and users in both modes):",
                "  --seed S              random seed (default 42)",
                "  --users N             number of shoppers (default 2000)",
                "  --items N             catalogue size (default 2000)",
                "  --categories N        number of categories (default 20)",
                "  --trend-shift-hours H  population-level drift: H simulated hours after the start, a few",
                "                        categories rise for everyone and new items launch (default: never)",
                "  --trend-categories N  categories that rise at the shift (default 3)",
                "  --trend-boost X       their interest multiplier (default 8)",
                "  --trend-launch F      fraction of the catalogue launched at the shift (default 0.03)",
                "",
                "File mode: one JSON event per line, in event-time order; simulated time starts at --start.",
                "  --out FILE            output file ('-' = stdout)",
                "  --events N            number of good events to write (default 200000)",
                "  --items-out FILE      also write the catalogue snapshot and its updates as JSON lines",
                "  --start ISO           simulated start time (default 2026-11-01T00:00:00Z)",
                "  --malformed-rate R    fraction of extra malformed lines (default 0: files are for training)",
                "  --duplicate-rate R    fraction of exact duplicate events (default 0)",
                "",
                "Kafka mode: events to the events topic keyed by user_id, catalogue to the items topic keyed",
                "by item_id (the whole catalogue first). Timestamps are the wall clock (--time wall) or",
                "simulated time (--time sim); with the wall clock, simulated time runs faster than real time.",
                "  --rate EV_PER_S       event records per second (default 200)",
                "  --duration D          stop after D (e.g. 90s, 10m; default: run until Ctrl-C)",
                "  --events N            stop after N event records (default: no limit)",
                "  --time wall|sim       event timestamps (default wall)",
                "  --malformed-rate R    fraction of malformed records (default 0.005)",
                "  --duplicate-rate R    fraction of exact duplicate events (default 0.002)",
                "  --topic.events NAME   (default user-events)    --topic.items NAME (default item-updates)",
                "  --create-topics       create the topics if missing (--partitions N, default 4)",
                "  --kafka.properties.K V  Kafka client setting K (SASL/TLS, ...) for the producer and the admin",
                "                        client, as the job's kafka.properties.*",
                "  (deprecated aliases: --bootstrap-servers, --topic-events, --topic-items)");
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv, OPTIONS, FLAGS, Args.Names.of(name(), ALIASES)
                .withPrefixes(StreamrecConfig.KAFKA_PROPERTIES)); // --help is answered by Main
        if (a.has("out") == a.has("kafka.bootstrap-servers")) {
            throw new Args.UsageException("give exactly one of --out FILE or --kafka.bootstrap-servers HOST:PORT");
        }
        SimConfig cfg = SimConfig.defaults()
                .seed(a.getLong("seed", SimConfig.DEFAULT_SEED, Long.MIN_VALUE))
                .users(a.getInt("users", SimConfig.DEFAULT_USERS, 1))
                .items(a.getInt("items", SimConfig.DEFAULT_ITEMS, 1))
                .categories(a.getInt("categories", SimConfig.DEFAULT_CATEGORIES, 1));
        if (cfg.items < cfg.categories) {
            throw new Args.UsageException("option --items must be >= --categories");
        }
        if (a.has("start")) {
            try {
                cfg.startMs(Instant.parse(a.get("start", null)).toEpochMilli());
            } catch (RuntimeException e) {
                throw new Args.UsageException("option --start needs an ISO instant like 2026-11-01T00:00:00Z");
            }
        }
        return a.has("out") ? runFile(a, cfg) : runKafka(a, cfg);
    }

    private int runFile(Args a, SimConfig cfg) throws Exception {
        for (String kafkaOnly : new String[] {"rate", "duration", "time", "topic.events", "topic.items",
                "create-topics", "partitions"}) {
            if (a.has(kafkaOnly)) {
                throw new Args.UsageException("option --" + kafkaOnly + " is for Kafka mode only");
            }
        }
        if (!a.withPrefix(StreamrecConfig.KAFKA_PROPERTIES).isEmpty()) {
            throw new Args.UsageException("options --" + StreamrecConfig.KAFKA_PROPERTIES + "* are for Kafka mode only");
        }
        long events = a.getLong("events", 200_000, 0);
        double malformedRate = a.getDouble("malformed-rate", 0.0, 0, 1);
        double duplicateRate = a.getDouble("duplicate-rate", 0.0, 0, 1);
        String out = a.get("out", null);
        String itemsOut = a.get("items-out", null);
        applyTrend(a, cfg);
        Simulator sim = new Simulator(new World(cfg), malformedRate, duplicateRate, null);
        long t0 = System.nanoTime();
        long lines = 0;
        long firstTs = Long.MAX_VALUE;
        long lastTs = 0;
        try (OutputStream os = open(out); OutputStream items = itemsOut == null ? null : open(itemsOut)) {
            if (items != null) {
                for (SimRecord r : sim.catalogueSnapshot()) {
                    items.write(r.value());
                    items.write('\n');
                }
            }
            while (sim.eventsSent() < events) {
                SimRecord r = sim.next();
                if (r.itemUpdate()) {
                    if (items != null) {
                        items.write(r.value());
                        items.write('\n');
                    }
                    continue;
                }
                os.write(r.value());
                os.write('\n');
                lines++;
                if (r.event() != null) {
                    firstTs = Math.min(firstTs, r.event().ts);
                    lastTs = Math.max(lastTs, r.event().ts);
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT,
                "simulate: wrote %d lines (%d events, %d malformed, %d duplicates; %d catalogue updates) to %s"
                        + " in %.1f s (%.0f events/s); world %s; simulated time %s .. %s%n",
                lines, sim.eventsSent(), sim.malformedSent(), sim.duplicatesSent(), sim.updatesSent(), out, secs,
                sim.eventsSent() / Math.max(secs, 1e-9), cfg, lines > 0 ? Instant.ofEpochMilli(firstTs) : "-",
                lines > 0 ? Instant.ofEpochMilli(lastTs) : "-");
        return 0;
    }

    private static OutputStream open(String path) throws Exception {
        if ("-".equals(path)) {
            return new BufferedOutputStream(System.out, 1 << 16) {
                @Override
                public void close() throws java.io.IOException {
                    flush();
                }
            };
        }
        Path p = Path.of(path);
        if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
        }
        return new BufferedOutputStream(Files.newOutputStream(p), 1 << 16);
    }

    private int runKafka(Args a, SimConfig cfg) throws Exception {
        for (String fileOnly : new String[] {"items-out", "start"}) {
            if (a.has(fileOnly)) {
                throw new Args.UsageException("option --" + fileOnly + " is for file mode only");
            }
        }
        String bootstrap = a.get("kafka.bootstrap-servers", null);
        double rate = a.getDouble("rate", 200, 0.001, 1e9);
        Duration duration = a.getDuration("duration", null);
        long maxEvents = a.getLong("events", 0, 0);
        double malformedRate = a.getDouble("malformed-rate", 0.005, 0, 1);
        double duplicateRate = a.getDouble("duplicate-rate", 0.002, 0, 1);
        String time = a.get("time", "wall");
        if (!time.equals("wall") && !time.equals("sim")) {
            throw new Args.UsageException("option --time must be 'wall' or 'sim', got '" + time + "'");
        }
        String eventsTopic = a.get("topic.events", Topics.EVENTS);
        String itemsTopic = a.get("topic.items", Topics.ITEMS);
        int partitions = a.getInt("partitions", 4, 1);
        Map<String, String> kafkaProperties = a.withPrefix(StreamrecConfig.KAFKA_PROPERTIES);
        if (a.flag("create-topics")) {
            Topics.Names names = new Topics.Names(eventsTopic, itemsTopic, Topics.RECOMMENDATIONS, Topics.DLQ);
            System.err.println("simulate: created topics "
                    + Topics.createIfMissing(bootstrap, kafkaProperties, names, partitions, (short) 1));
        }
        boolean wall = time.equals("wall");
        if (wall) {
            cfg.startMs(System.currentTimeMillis());
        }
        applyTrend(a, cfg);
        // Live runs get a run tag in their event ids, so a restarted simulator never repeats an id.
        String prefix = "e" + Long.toString(System.currentTimeMillis() / 1000, 36) + "-";
        Simulator sim = new Simulator(new World(cfg, prefix), malformedRate, duplicateRate,
                wall ? System::currentTimeMillis : null);
        LiveProducer p = new LiveProducer(bootstrap, kafkaProperties, sim, eventsTopic, itemsTopic, rate, maxEvents,
                duration, null);
        Thread hook = new Thread(p::close, "simulate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.printf(Locale.ROOT, "simulate: producing to %s (%s, %s) at %.0f records/s; world %s%n", bootstrap,
                eventsTopic, itemsTopic, rate, cfg);
        if (!kafkaProperties.isEmpty()) {
            System.err.println("simulate: Kafka client properties " + Secrets.masked(kafkaProperties));
        }
        p.start();
        long t0 = System.nanoTime();
        while (!p.isDone()) {
            Thread.sleep(200);
            long el = System.nanoTime() - t0;
            if (el / 10_000_000_000L != (el - 200_000_000L) / 10_000_000_000L) {
                printStats(sim, p, el);
            }
        }
        p.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down anyway
        }
        printStats(sim, p, System.nanoTime() - t0);
        if (p.error() != null) {
            System.err.println("simulate: send failed: " + p.error());
            return 1;
        }
        return 0;
    }

    /** The trend options, relative to the (final) start time; without --trend-shift-hours the others are refused. */
    private static void applyTrend(Args a, SimConfig cfg) {
        if (!a.has("trend-shift-hours")) {
            for (String o : new String[] {"trend-categories", "trend-boost", "trend-launch"}) {
                if (a.has(o)) {
                    throw new Args.UsageException("option --" + o + " needs --trend-shift-hours H");
                }
            }
            return;
        }
        cfg.trendRisingCategories = a.getInt("trend-categories", cfg.trendRisingCategories, 0);
        cfg.trendBoost = a.getDouble("trend-boost", cfg.trendBoost, 1e-9, 1e9);
        cfg.trendLaunchFraction = a.getDouble("trend-launch", cfg.trendLaunchFraction, 0, 0.3000001);
        cfg.trendShiftHours(a.getDouble("trend-shift-hours", 0, 0, 1e7));
    }

    private static void printStats(Simulator sim, LiveProducer p, long elapsedNs) {
        System.err.printf(Locale.ROOT,
                "simulate: %.0f s: %d events, %d malformed, %d duplicates, %d catalogue updates, %d failed%n",
                elapsedNs / 1e9, sim.eventsSent(), sim.malformedSent(), sim.duplicatesSent(), sim.updatesSent(),
                p.failed());
    }
}
