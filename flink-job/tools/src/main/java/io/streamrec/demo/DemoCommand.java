package io.streamrec.demo;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import java.util.Map;
import java.util.Set;

/** {@code streamrec demo}. */
public final class DemoCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("rate", "users", "duration", "seed", "watch", "refresh",
            "parallelism.default", "recs.top-k", "state.backend.type", "model.path", "malformed-rate",
            "duplicate-rate", "storefront.port", "storefront.bind");
    /** The job's option names are canonical; these older names of the same settings still work. */
    static final Map<String, String> ALIASES = Map.of("parallelism", "parallelism.default", "top-k", "recs.top-k",
            "state-backend", "state.backend.type", "model-path", "model.path");
    private static final Set<String> FLAGS = Set.of("plain", "no-job", "no-storefront", "help");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "Kafka + the job on a MiniCluster + simulated shoppers, a live terminal view and the storefront";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: streamrec demo [--rate 200] [--users 200] [--duration D] [--seed 42] [options]",
                "",
                "Starts a Kafka broker in-process, the streamrec job on a local MiniCluster with RocksDB, and",
                "simulated shoppers producing to Kafka; shows a few shoppers' latest events next to their",
                "current top-5, throughput, latency and dead letters, and serves the storefront web page (a",
                "product grid and a live \"Recommended for you\" panel; its URL is printed). Ctrl-C stops everything.",
                "  --rate EV_PER_S      simulated events per second (default 200)",
                "  --users N            number of shoppers (default 200; items and categories are the default",
                "                       world's, so they match the default model bundle)",
                "  --duration D         stop by itself after D (e.g. 60s, 5m)",
                "  --seed S             world seed (default 42)",
                "  --watch N            shoppers to show (default 4: the most active ones)",
                "  --refresh D          view refresh interval (default 2s)",
                "  --parallelism.default N  job parallelism and partitions (default 2)",
                "  --recs.top-k K       list length the job emits (default 10; the view shows 5)",
                "  --state.backend.type B  rocksdb (default) or hashmap",
                "  --model.path P       model bundle (default classpath:default)",
                "  (deprecated aliases: --parallelism, --top-k, --state-backend, --model-path)",
                "  --malformed-rate R   (default 0.005)   --duplicate-rate R (default 0.002)",
                "  --plain              no screen clearing (default when stdout is not a terminal)",
                "  --no-job             broker and simulator only",
                "  --storefront.port N  storefront port (default 8088; if taken, a free one; 0 = any free)",
                "  --storefront.bind A  storefront address (default 127.0.0.1: this machine only)",
                "  --no-storefront      no web page");
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv, OPTIONS, FLAGS, Args.Names.of(name(), ALIASES)); // --help is answered by Main
        DemoOptions o = new DemoOptions();
        o.rate = a.getDouble("rate", o.rate, 0.1, 1e7);
        o.users = a.getInt("users", o.users, 1);
        o.duration = a.getDuration("duration", null);
        o.seed = a.getLong("seed", o.seed, Long.MIN_VALUE);
        o.watch = a.getInt("watch", o.watch, 1);
        o.refresh = a.getDuration("refresh", o.refresh);
        if (o.refresh.toMillis() < 100) {
            throw new Args.UsageException("option --refresh must be at least 100ms");
        }
        o.parallelism = a.getInt("parallelism.default", o.parallelism, 1);
        o.topK = a.getInt("recs.top-k", o.topK, 1);
        o.modelPath = a.get("model.path", o.modelPath);
        o.stateBackend = a.get("state.backend.type", o.stateBackend);
        if (!o.stateBackend.equals("rocksdb") && !o.stateBackend.equals("hashmap")) {
            throw new Args.UsageException("option --state.backend.type must be rocksdb or hashmap");
        }
        o.malformedRate = a.getDouble("malformed-rate", o.malformedRate, 0, 1);
        o.duplicateRate = a.getDouble("duplicate-rate", o.duplicateRate, 0, 1);
        if (a.flag("plain")) {
            o.plain = true;
        }
        o.noJob = a.flag("no-job");
        o.noStorefront = a.flag("no-storefront");
        o.storefrontPort = a.getInt("storefront.port", o.storefrontPort, 0);
        if (o.storefrontPort > 65535) {
            throw new Args.UsageException("option --storefront.port must be at most 65535, got " + o.storefrontPort);
        }
        o.storefrontBind = a.get("storefront.bind", o.storefrontBind);
        Demo.Result r = new Demo(o, System.out).run();
        return o.noJob || r.recommendations() > 0 ? 0 : 1;
    }
}
