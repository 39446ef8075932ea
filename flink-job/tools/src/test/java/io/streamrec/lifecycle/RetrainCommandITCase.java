package io.streamrec.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.EvaluateCommand;
import io.streamrec.eval.ModelExport;
import io.streamrec.event.UserEvent;
import io.streamrec.event.UserEventJson;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.World;
import io.streamrec.store.ModelStore;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retrain cycle on simulated traffic whose trends shift for the whole population, then the loop closed online: the
 * store serves a bundle trained before the shift, the topic holds traffic after it. {@code retrain} must publish its
 * bundle as variant {@code retrain} at 50 %, with a better offline MRR@20 on the held-back slice than the serving
 * bundle. Then the real job serves both variants on fresh post-shift traffic, and the {@code recommendation-feedback}
 * topic must show the retrained variant's lists hit more; an A/A control run (both variants on the old bundle, same
 * users, same events) must show that the same users do worse without the new model, by more than the unchanged
 * group moves between the runs (with 300 users the two hash groups differ by themselves, so the A/B gap alone
 * overstates the model's gain). Asked for an impossible gain, {@code retrain} must refuse with exit 3 and leave
 * {@code serving.json} as it was. Training uses a tiny model-export config (a few epochs), so the whole test stays
 * within about three minutes on two cores.
 */
class RetrainCommandITCase {
    private static final int LIVE_EVENTS = 8000;
    private static final Pattern MRR = Pattern.compile("mrr20_all=([0-9.]+)/([0-9.]+)");

    @Test
    void publishesARetrainedBundleThatBeatsThePreShiftOneAndRefusesAnImpossibleGain(@TempDir Path dir)
            throws Exception {
        long t0 = System.nanoTime();
        Path repo = EvaluateCommand.findRepo(null);
        assertNotNull(repo, "the streamrec checkout (model-export) must be found from the test classes");
        SimConfig cfg = SimConfig.defaults().seed(5).users(300).items(300).categories(8).trendShiftHours(24);
        cfg.trendLaunchFraction = 0.2;
        cfg.trendBoost = 10;
        List<UserEvent> pre = new ArrayList<>();
        List<UserEvent> post = new ArrayList<>();
        World world = new World(cfg);
        while (pre.size() + post.size() < 14_000) {
            if (world.next() instanceof UserEvent e) {
                (e.ts < cfg.trendShiftMs ? pre : post).add(e);
            }
        }
        assertTrue(pre.size() > 5000 && post.size() > 5000, pre.size() + " / " + post.size());

        // the serving bundle: trained on the traffic before the shift, published as main=v1 at 100 %
        Path config = tinyConfig(repo, dir.resolve("tiny.json"));
        Path preFile = dir.resolve("pre.jsonl");
        EvaluateCommand.writeJsonl(preFile, pre);
        ModelExport.build(repo, "/usr/bin/python3", config, preFile, dir.resolve("v1"), dir.resolve("ck"),
                dir.resolve("v1.log"), System.err);
        ModelStore store = new ModelStore(dir.resolve("store").toString());
        store.upload(dir.resolve("v1"), "v1");
        store.writePlan(PlanEdits.withVariant(null, "main", "v1", 100, "2026-12-07T00:00:00Z", "pre-shift"));
        System.err.printf("RetrainCommandITCase: serving bundle ready after %.0f s%n", (System.nanoTime() - t0) / 1e9);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Topics.Names.defaults(), 2);
            try (KafkaProducer<byte[], byte[]> p = kafka.producer(Map.of())) {
                for (UserEvent e : post) {
                    p.send(new ProducerRecord<>(Topics.EVENTS, e.userId.getBytes(StandardCharsets.UTF_8),
                            UserEventJson.toJsonBytes(e)));
                }
                p.flush();
            }

            // 1. a cycle over the last hour of the topic (every record: they were all sent just now)
            Run first = retrain(kafka, repo, store, config, dir, "--window", "1h", "--version", "t1", "--weight",
                    "50");
            assertEquals(0, first.rc, first.log);
            assertTrue(first.summary.startsWith("retrain: result=published version=t1 variant=retrain weight=50 "
                    + "events=" + post.size() + " "), first.summary);
            Matcher m = MRR.matcher(first.summary);
            assertTrue(m.find(), first.summary);
            double mrrNew = Double.parseDouble(m.group(1));
            double mrrServing = Double.parseDouble(m.group(2));
            assertTrue(mrrNew > mrrServing, "the retrained bundle must beat the pre-shift one: " + first.summary);
            ServingPlan plan = store.readPlan();
            assertEquals(List.of(new Variant("main", "v1", 50), new Variant("retrain", "t1", 50)), plan.variants());
            assertEquals(1, plan.previous().size());
            assertTrue(store.hasVersion("t1"));
            System.err.printf("RetrainCommandITCase: first cycle done after %.0f s: %s%n",
                    (System.nanoTime() - t0) / 1e9, first.summary);

            // 2. the loop closes online: the job serves both at 50/50 on fresh traffic after the shift, and the
            //    recommendation-feedback topic shows the shoppers hit the retrained variant's lists more
            List<UserEvent> live = new ArrayList<>();
            while (live.size() < LIVE_EVENTS) {
                if (world.next() instanceof UserEvent e) {
                    live.add(e);
                }
            }
            Map<String, double[]> ab = OnlineRun.mrr20PerVariant(kafka, store, live, dir.resolve("ck-ab"), "ab");
            report("A/B", ab, t0);
            assertTrue(ab.get("main")[0] > 1000 && ab.get("retrain")[0] > 1000, "both variants judged");
            assertTrue(ab.get("retrain")[1] > ab.get("main")[1],
                    "the online feedback shows the retrained variant better: " + ab.get("retrain")[1] + " vs "
                            + ab.get("main")[1]);

            // 3. an impossible gain: refused, nothing uploaded, the pointer file byte for byte as it was
            byte[] before = store.readPlanBytes();
            Run second = retrain(kafka, repo, store, config, dir, "--max-events", "3000", "--min-gain", "1.0",
                    "--version", "t2");
            assertEquals(RetrainCommand.NOT_PUBLISHED, second.rc, second.log);
            assertTrue(second.summary.startsWith("retrain: result=not-better version=t2 "), second.summary);
            assertTrue(second.log.contains("retrain: not published: MRR@20 "), second.log);
            assertArrayEquals(before, store.readPlanBytes());
            assertFalse(store.hasVersion("t2"));

            // 4. the control, an A/A run: the same users, the same events, both variants serving the pre-shift bundle.
            //    The users of variant retrain did better in the A/B run because of the model, not because of who they
            //    are: their MRR drops back without it, by more than the unchanged group moves between the runs.
            store.writePlan(store.readPlan().then(List.of(new Variant("main", "v1", 50),
                    new Variant("retrain", "v1", 50)), "2026-12-07T01:00:00Z", "A/A control"));
            Map<String, double[]> aa = OnlineRun.mrr20PerVariant(kafka, store, live, dir.resolve("ck-aa"), "aa");
            report("A/A", aa, t0);
            double modelGain = ab.get("retrain")[1] - aa.get("retrain")[1];
            double drift = Math.abs(ab.get("main")[1] - aa.get("main")[1]);
            assertTrue(modelGain > drift, "same users, retrained bundle vs pre-shift one: +" + modelGain
                    + ", more than the unchanged group moved (" + drift + ")");
        }
        System.err.printf("RetrainCommandITCase: done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private record Run(int rc, String summary, String log) {}

    private static void report(String what, Map<String, double[]> online, long t0) {
        System.err.printf("RetrainCommandITCase: %s online MRR@20 (judged events): main %.4f (%.0f), retrain %.4f "
                + "(%.0f) after %.0f s%n", what, online.get("main")[1], online.get("main")[0],
                online.get("retrain")[1], online.get("retrain")[0], (System.nanoTime() - t0) / 1e9);
    }

    private static Run retrain(EmbeddedKafka kafka, Path repo, ModelStore store, Path config, Path dir,
                               String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--bootstrap", kafka.bootstrapServers(), "--topic", Topics.EVENTS,
                "--store", store.uri(), "--config", config.toString(), "--repo", repo.toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc = new RetrainCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run(args.toArray(String[]::new));
        String l = log.toString(StandardCharsets.UTF_8);
        System.err.print(l);
        return new Run(rc, out.toString(StandardCharsets.UTF_8).strip(), l);
    }

    /** eval-default.json with a few epochs and small sample caps: the smallest config that still learns here. */
    private static Path tinyConfig(Path repo, Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(repo.resolve("model-export/configs/eval-default.json").toFile());
        ((ObjectNode) c.get("retrieval")).put("epochs", 3).put("finetune_epochs", 1).put("negatives", 256);
        ((ObjectNode) c.get("ranker")).put("epochs", 3).put("max_examples", 3000).put("val_max_examples", 500);
        ((ObjectNode) c.get("revisit")).put("epochs", 50).put("max_examples", 5000);
        ((ObjectNode) c.get("data")).put("train_fraction", 0.9);
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), c);
        return file;
    }
}
