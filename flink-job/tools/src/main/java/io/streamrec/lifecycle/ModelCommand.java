package io.streamrec.lifecycle;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.store.ModelStore;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code streamrec model}: publishes bundles to a model store and changes what it serves (promote, rollback,
 * weights), and shows what serves with its live feedback metrics. Every change is one write of the store's
 * {@code serving.json}, which a running job follows within its reload interval. Why bundles are validated here too:
 * a refused bundle must never reach the store, and the one-line reason is more useful at the terminal than in a
 * TaskManager log. Exit codes: 0 done, 1 refused or failed (one line says why), 2 bad usage.
 */
public final class ModelCommand implements Command {
    private static final Set<String> FLAGS = Set.of("help", "no-plan");
    private static final DateTimeFormatter VERSION_CLOCK =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public ModelCommand() {
        this(System.out, System.err, System.getenv());
    }

    ModelCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public String summary() {
        return "publish, promote, roll back and inspect model bundles in a model store (A/B variants)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: streamrec model <action> --store URI [options]",
                "",
                "A model store is a folder on any Flink file system (a path, file://, s3://, hdfs://): immutable",
                "bundles under versions/<version>/ and serving.json, which names the variants that serve. A job",
                "whose model.path is the store follows serving.json within model.reload-interval.",
                "",
                "  publish BUNDLE_DIR [--version V] [--variant NAME] [--weight PERCENT] [--no-plan]",
                "      Validates the bundle fully (golden replay), uploads it as version V (default: its",
                "      model_version, or a UTC timestamp), then writes the new plan. No plan yet: variant a at 100.",
                "      An existing --variant switches to V (keeping its weight unless --weight); a new one needs",
                "      --weight W and the others are scaled to fill 100-W. Without --variant the heaviest variant",
                "      is upgraded. --no-plan uploads only.",
                "  promote VARIANT          that variant alone at 100 %",
                "  rollback                 restore the plan before the current one",
                "  weights NAME=PERCENT...  set weights (variants not named share the rest in proportion)",
                "  status [--bootstrap H:P] [--feedback-topic T] [--since 15m]",
                "      what serves; with --bootstrap also live HR@K, MRR@K and hits per variant from the",
                "      feedback topic over the last --since",
                "",
                "Options:",
                "  --store URI               the model store (required)",
                "  --note TEXT               a note kept in the plan and its history",
                "  --conf KEY=VALUE          a Flink setting for the store's file system, repeatable (also",
                "                            -D KEY=VALUE and --s3.KEY VALUE), e.g. s3.endpoint, s3.access-key;",
                "                            FLINK_CONF_DIR's config.yaml is read first, FLINK_PLUGINS_DIR's plugins",
                "                            are loaded (plugins/s3-fs-hadoop/ for s3://)",
                "  --bootstrap H:P           Kafka for status (also --kafka.bootstrap-servers)",
                "  --feedback-topic T        default recommendation-feedback",
                "  --since DURATION          default 15m",
                "  --kafka.properties.K V    a Kafka client setting (SASL, TLS, ...)",
                "",
                "Examples:",
                "  streamrec model publish model-export/bundles/default --store /srv/models",
                "  streamrec model publish out/bundle --store s3://shop/models --variant b --weight 10 \\",
                "      --conf s3.endpoint=http://minio:9000 --conf s3.path.style.access=true",
                "  streamrec model status --store /srv/models --bootstrap localhost:9092 --since 30m",
                "  streamrec model promote b --store /srv/models",
                "  streamrec model rollback --store /srv/models",
                "Exit codes: 0 done, 1 refused or failed, 2 bad usage.");
    }

    @Override
    public int run(String[] argv) throws Exception {
        if (argv.length == 0) {
            throw new Args.UsageException("name an action: publish, promote, rollback, weights or status");
        }
        String action = argv[0];
        StoreFileSystems.Split split = StoreFileSystems.split(Arrays.copyOfRange(argv, 1, argv.length));
        Args a = Args.parse(split.rest(), Set.of("store", "version", "variant", "weight", "note", "bootstrap",
                        "kafka.bootstrap-servers", "feedback-topic", "since"), FLAGS,
                Args.Names.of("model", Map.of()).withPrefixes("kafka.properties.", "s3."), err);
        if (!List.of("publish", "promote", "rollback", "weights", "status").contains(action)) {
            throw new Args.UsageException("unknown action '" + action
                    + "' (publish, promote, rollback, weights, status)");
        }
        String uri = a.get("store", null);
        if (uri == null || uri.isBlank()) {
            throw new Args.UsageException("option --store URI is required");
        }
        Map<String, String> conf = new LinkedHashMap<>();
        a.withPrefix("s3.").forEach((k, v) -> conf.put("s3." + k, v));
        conf.putAll(split.conf());
        StoreFileSystems.initialize(StoreFileSystems.configuration(conf, env), env);
        try {
            ModelStore store = new ModelStore(uri);
            return switch (action) {
                case "publish" -> publish(a, store);
                case "promote" -> promote(a, store);
                case "rollback" -> rollback(a, store);
                case "weights" -> weights(a, store);
                default -> status(a, store);
            };
        } catch (PlanEdits.Refused | IOException | BundleException | IllegalArgumentException e) {
            err.println("streamrec model " + action + ": " + oneLine(e.getMessage()));
            return 1;
        }
    }

    private int publish(Args a, ModelStore store) throws Exception {
        List<String> pos = a.positional();
        if (pos.size() != 1) {
            throw new Args.UsageException("publish takes one BUNDLE_DIR, got " + pos.size() + " arguments");
        }
        Path dir = Path.of(pos.get(0));
        if (!Files.isDirectory(dir)) {
            throw new Args.UsageException("BUNDLE_DIR " + dir + " is not a folder");
        }
        String variant = a.get("variant", null);
        if (variant != null && !Variant.NAME.matcher(variant).matches()) {
            throw new Args.UsageException("option --variant must match " + Variant.NAME.pattern() + ", got '"
                    + variant + "'");
        }
        Integer weight = a.has("weight") ? a.getInt("weight", 0, 0) : null;
        if (weight != null && weight > 100) {
            throw new Args.UsageException("option --weight is a percentage, at most 100, got " + weight);
        }
        if (a.flag("no-plan") && (variant != null || weight != null)) {
            throw new Args.UsageException("--no-plan uploads only: leave out --variant and --weight");
        }
        ModelBundle bundle;
        try {
            bundle = BundleLoader.load(dir.toString());
        } catch (BundleException e) {
            err.println("streamrec model publish: refused " + dir + ": " + oneLine(e.getMessage()));
            return 1;
        }
        String version = a.get("version", null);
        if (version == null) {
            version = Variant.VERSION.matcher(bundle.modelVersion()).matches() ? bundle.modelVersion()
                    : VERSION_CLOCK.format(Instant.now());
        } else if (!Variant.VERSION.matcher(version).matches()) {
            throw new Args.UsageException("option --version must match " + Variant.VERSION.pattern() + ", got '"
                    + version + "'");
        }
        ServingPlan current = a.flag("no-plan") ? null : currentPlanOrNull(store);
        List<Variant> next = a.flag("no-plan") ? null : PlanEdits.publish(current, variant, weight, version);
        int[] files = {0};
        store.upload(dir, version, f -> files[0]++);
        out.println("uploaded " + bundle.modelVersion() + " to " + store.versionLocation(version) + " (" + files[0]
                + " files)");
        if (next == null) {
            return 0;
        }
        String target = variant != null ? variant : current == null ? next.get(0).name() : PlanEdits.heaviest(current);
        return writePlan(a, store, current, next, "publish " + version + " as " + target);
    }

    private int promote(Args a, ModelStore store) throws Exception {
        String variant = onePositional(a, "promote", "VARIANT");
        ServingPlan current = store.readPlan();
        return writePlan(a, store, current, PlanEdits.promote(current, variant), "promote " + variant);
    }

    private int rollback(Args a, ModelStore store) throws Exception {
        if (!a.positional().isEmpty()) {
            throw new Args.UsageException("rollback takes no argument, got '" + a.positional().get(0) + "'");
        }
        ServingPlan current = store.readPlan();
        ServingPlan back = PlanEdits.rollback(current, now());
        checkVersions(store, back.variants());
        store.writePlan(back);
        out.println("rolled back " + store.uri() + ": now serving " + back + " (was " + current + ")");
        return 0;
    }

    private int weights(Args a, ModelStore store) throws Exception {
        if (a.positional().isEmpty()) {
            throw new Args.UsageException("weights needs NAME=PERCENT arguments, e.g. a=90 b=10");
        }
        Map<String, Integer> given = new LinkedHashMap<>();
        for (String s : a.positional()) {
            int eq = s.indexOf('=');
            try {
                given.put(s.substring(0, eq), Integer.parseInt(s.substring(eq + 1)));
            } catch (RuntimeException e) {
                throw new Args.UsageException("weights takes NAME=PERCENT, got '" + s + "'");
            }
        }
        ServingPlan current = store.readPlan();
        return writePlan(a, store, current, PlanEdits.withWeights(current.variants(), given), "weights "
                + String.join(" ", a.positional()));
    }

    private int writePlan(Args a, ModelStore store, ServingPlan current, List<Variant> next, String what)
            throws IOException, PlanEdits.Refused {
        checkVersions(store, next);
        String note = a.get("note", what);
        ServingPlan plan = current == null ? new ServingPlan(next, now(), note, List.of())
                : current.then(next, now(), note);
        store.writePlan(plan);
        out.println(what + ": " + store.uri() + " now serves " + plan
                + (current == null ? "" : " (was " + current + ")"));
        return 0;
    }

    private int status(Args a, ModelStore store) throws Exception {
        if (!a.positional().isEmpty()) {
            throw new Args.UsageException("status takes no argument, got '" + a.positional().get(0) + "'");
        }
        String bootstrap = a.get("bootstrap", a.get("kafka.bootstrap-servers", null));
        String topic = a.get("feedback-topic", "recommendation-feedback");
        Duration since = a.getDuration("since", Duration.ofMinutes(15));
        ServingPlan plan = store.readPlan();
        out.println("model store " + store.uri());
        out.println("plan updated " + (plan.updated().isEmpty() ? "?" : plan.updated())
                + (plan.note().isEmpty() ? "" : ": " + plan.note()));
        out.println("history: " + plan.previous().size() + " earlier plan(s)" + (plan.previous().isEmpty() ? ""
                : "; rollback restores " + plan.previous().get(0)));
        out.println(String.format("  %-10s %-24s %6s", "variant", "version", "weight"));
        long total = plan.variants().stream().mapToLong(Variant::weight).sum();
        for (Variant v : plan.variants()) {
            out.println(String.format(java.util.Locale.ROOT, "  %-10s %-24s %5.1f%%%s", v.name(), v.version(),
                    100.0 * v.weight() / total, store.hasVersion(v.version()) ? "" : "  (missing from the store!)"));
        }
        if (bootstrap == null) {
            return 0;
        }
        FeedbackStats stats = FeedbackStats.read(bootstrap, topic, since, a.withPrefix("kafka.properties."),
                Duration.ofSeconds(30));
        long judged = stats.rows().stream().mapToLong(r -> r.judged).sum();
        out.println("live feedback from " + topic + " over the last " + since.toMinutes() + " min: " + judged
                + " judged events");
        out.print(stats.table());
        return 0;
    }

    private static String onePositional(Args a, String action, String what) {
        if (a.positional().size() != 1) {
            throw new Args.UsageException(action + " takes one " + what + ", got " + a.positional().size()
                    + " arguments");
        }
        return a.positional().get(0);
    }

    private static ServingPlan currentPlanOrNull(ModelStore store) throws IOException {
        return store.readPlanBytes() == null ? null : store.readPlan();
    }

    /** Every version a plan serves must be complete in the store: a typo must not reach a running job. */
    private static void checkVersions(ModelStore store, List<Variant> variants) throws IOException,
            PlanEdits.Refused {
        for (Variant v : variants) {
            if (v.weight() > 0 && !store.hasVersion(v.version())) {
                throw new PlanEdits.Refused("version " + v.version() + " of variant " + v.name() + " is not in the "
                        + "store (" + store.versionLocation(v.version()) + " has no manifest.json)");
            }
        }
    }

    private static String oneLine(String message) {
        return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
