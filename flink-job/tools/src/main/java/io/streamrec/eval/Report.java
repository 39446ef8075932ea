package io.streamrec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes report.md, metrics.json and chart.png. */
public final class Report {
    /** Names of the methods that count as baselines for the quality target (not the pipeline, not the oracle). */
    static final List<String> BASELINES = List.of("popular", "trending", "repeat", "covisit_knn", "vsknn", "stan",
            "retrieval", Gru4RecBaseline.NAME);

    /** What the command knows about the inputs. */
    static final class Data {
        final List<String> sources = new ArrayList<>();
        String split;
        String bundle;
        String bundleOrigin;
        String modelVersion;
        String configFile;
        String command;
        String oracle;
        /** How the gru4rec baseline was made and ran, or null when it was skipped. */
        String gru4rec;
        long testEventsWithoutList;
        double seconds;
        /** The --tune choice, or null. */
        Tuning.Result tuning;
        /** Per baseline, the seconds of its observe and list calls in the scoring pass. */
        final Map<String, Double> methodSeconds = new LinkedHashMap<>();
    }

    private Report() {}

    static void write(Path out, Data d, Protocol.Stats st, JobReplay.Result job, Scorer scorer,
                      EvalSettings settings, Map<String, String> jobOptions) throws IOException {
        List<String> methods = new ArrayList<>(scorer.methods().keySet());
        // metrics.json
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> ms = new LinkedHashMap<>();
        Map<String, Object> byType = new LinkedHashMap<>();
        Map<String, Object> coverage = new LinkedHashMap<>();
        for (String m : methods) {
            Scorer.MethodScores s = scorer.method(m);
            Map<String, Object> pm = new LinkedHashMap<>();
            Map<String, Object> bt = new LinkedHashMap<>();
            for (String p : Scorer.PROTOCOLS) {
                pm.put(p, s.cell(p, "all").asMap());
                Map<String, Object> groups = new LinkedHashMap<>();
                for (String g : Scorer.GROUPS) {
                    Scorer.Acc acc = s.cell(p, g);
                    if (acc.count() == 0) {
                        continue;
                    }
                    Map<String, Object> cell = new LinkedHashMap<>(acc.asMap());
                    cell.put("n", acc.count());
                    groups.put(g, cell);
                }
                bt.put(p, groups);
            }
            ms.put(m, pm);
            byType.put(m, bt);
            coverage.put(m, st.catalogue == 0 ? 0.0 : (double) s.distinctRecommended() / st.catalogue);
        }
        root.put("methods", ms);
        Map<String, Object> newMain = new LinkedHashMap<>();
        for (String m : methods) {
            newMain.put(m, scorer.method(m).newOnMainList().asMap());
        }
        root.put("new_on_main_list", newMain);
        root.put("by_next_type", byType);
        root.put("catalogue_coverage", coverage);
        Map<String, Object> anywhere = new LinkedHashMap<>();
        for (String m : methods) {
            Map<String, Object> pm = new LinkedHashMap<>();
            for (String p : Scorer.PROTOCOLS) {
                pm.put(p, scorer.method(m).hitAnywhere(p));
            }
            anywhere.put(m, pm);
        }
        root.put("next_item_anywhere_in_list", anywhere);
        Map<String, Object> ds = new LinkedHashMap<>();
        ds.put("sources", d.sources);
        ds.put("split", d.split);
        ds.put("train_events", st.trainEvents);
        ds.put("test_events", st.testEvents);
        ds.put("scored_events", st.scoredEvents);
        ds.put("scored_events_new_item", st.scoredNewItem);
        ds.put("test_users", st.testUsers);
        ds.put("cold_test_users", st.coldTestUsers);
        ds.put("cold_user_fraction", st.testUsers == 0 ? 0.0 : (double) st.coldTestUsers / st.testUsers);
        ds.put("scored_events_from_cold_users_fraction",
                st.scoredEvents == 0 ? 0.0 : (double) st.scoredFromColdUsers / st.scoredEvents);
        ds.put("catalogue_items", st.catalogue);
        ds.put("test_items_unseen_in_train", st.testItemsUnseenInTrain);
        root.put("dataset", ds);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("command", "streamrec evaluate " + d.command);
        cfg.put("config_file", d.configFile + " (copied to config.json next to this report)");
        cfg.put("bundle", d.bundle);
        cfg.put("bundle_origin", d.bundleOrigin);
        cfg.put("model_version", d.modelVersion);
        cfg.put("job_options", jobOptions);
        cfg.put("evaluation", settings.asMap());
        cfg.put("top_k_scored", Protocol.K);
        if (d.oracle != null) {
            cfg.put("oracle_world", d.oracle);
        }
        cfg.put("gru4rec", d.gru4rec == null ? "skipped (--no-neural-baseline, or no checkout)" : d.gru4rec);
        root.put("configuration", cfg);
        Map<String, Object> rp = new LinkedHashMap<>();
        rp.put("events_replayed", st.trainEvents + st.testEvents);
        rp.put("lists_emitted", job.emitted);
        rp.put("dead_letters", job.deadLetters);
        rp.put("dead_letter_reasons", job.deadLetterReasons);
        rp.put("test_events_without_list", d.testEventsWithoutList);
        rp.put("seconds", round(job.seconds));
        rp.put("events_per_second", round((st.trainEvents + st.testEvents) / Math.max(job.seconds, 1e-9)));
        root.put("replay", rp);
        Map<String, Object> secs = new LinkedHashMap<>();
        d.methodSeconds.forEach((m, x) -> secs.put(m, round(x)));
        rp.put("baseline_seconds_one_pass", secs);
        if (d.tuning != null) {
            cfg.put("tuning", "--tune: parameters chosen on the validation split (tune.json): "
                    + d.tuning.asMap().get("chosen"));
        }
        root.put("targets", targets(scorer, methods));
        root.put("total_seconds", round(d.seconds));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("metrics.json").toFile(),
                root);

        // chart.png
        double[][][] v = new double[Scorer.PROTOCOLS.length][methods.size()][2];
        for (int p = 0; p < Scorer.PROTOCOLS.length; p++) {
            for (int m = 0; m < methods.size(); m++) {
                Scorer.Acc acc = scorer.method(methods.get(m)).cell(Scorer.PROTOCOLS[p], "all");
                v[p][m][0] = acc.get("HR@20");
                v[p][m][1] = acc.get("MRR@20");
            }
        }
        Chart.write(out.resolve("chart.png"), "HR@20 and MRR@20 per method", methods, Scorer.PROTOCOLS, v);

        // report.md
        StringBuilder sb = new StringBuilder();
        sb.append("# streamrec offline evaluation\n\n");
        sb.append("Generated ").append(Instant.now()).append(" by `streamrec evaluate ").append(d.command)
                .append("`.\n\n");
        sb.append("Protocol: the training part is replayed through the production job (not scored; unless the job "
                + "options set recs.lists-from, it only warms the state and tables, unranked), then the test "
                + "part; the list the job emitted after each test event that has a next event of the same user "
                + "is scored against that next item. Full catalogue, no sampled negatives (an item not in the "
                + "top-20 list is a miss). `all` = every next event; `new` = next item not in the user's history. "
                + "Baselines see the same events and are scored by the same scorer.\n\n"
                + "In `new` every method is scored on its discovery list: streamrec on the `discover` list it emits "
                + "(`recs.discover-list`, in the order `recs.discover-order` names; its one list when that is off), "
                + "every other method on its own list without "
                + "the items the user has touched so far (the strictest fair form of a one-list method: those items "
                + "can never be a new next item). The same events scored on each method's main list are under "
                + "\"New items, main lists\".\n\n");
        sb.append("## Results: all next events\n\n");
        table(sb, scorer, methods, "all", coverage);
        sb.append("\n## Results: new items only (discovery lists)\n\n");
        table(sb, scorer, methods, "new", coverage);
        sb.append("\n### New items, main lists\n\n");
        sb.append("| method | HR@10 | HR@20 | MRR@20 | NDCG@20 |\n|---|---|---|---|---|\n");
        for (String m : methods) {
            Scorer.Acc a = scorer.method(m).newOnMainList();
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f |%n", m, a.get("HR@10"),
                    a.get("HR@20"), a.get("MRR@20"), a.get("NDCG@20")));
        }
        sb.append("\n![HR@20 and MRR@20](chart.png)\n\n");
        sb.append("## By the next event's type (HR@20 / MRR@20, n)\n\n");
        for (String p : Scorer.PROTOCOLS) {
            sb.append("Protocol `").append(p).append("`:\n\n| method |");
            List<String> groups = new ArrayList<>();
            for (String g : Scorer.GROUPS) {
                if (!g.equals("all") && scorer.method(methods.get(0)).cell(p, g).count() > 0) {
                    groups.add(g);
                    sb.append(' ').append(g).append(" (n=").append(scorer.method(methods.get(0)).cell(p, g).count())
                            .append(") |");
                }
            }
            sb.append("\n|---|").append("---|".repeat(groups.size())).append('\n');
            for (String m : methods) {
                sb.append("| ").append(m).append(" |");
                for (String g : groups) {
                    Scorer.Acc acc = scorer.method(m).cell(p, g);
                    sb.append(String.format(Locale.ROOT, " %.4f / %.4f |", acc.get("HR@20"), acc.get("MRR@20")));
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        sb.append("## Quality targets\n\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) root.get("targets");
        for (Map.Entry<String, Object> e : t.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        sb.append("\n## Dataset\n\n");
        for (Map.Entry<String, Object> e : ds.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(fmt(e.getValue())).append('\n');
        }
        sb.append("\n## Replay\n\n");
        for (Map.Entry<String, Object> e : rp.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        sb.append("\n## Configuration\n\n");
        for (Map.Entry<String, Object> e : cfg.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": `").append(e.getValue()).append("`\n");
        }
        boolean purchased = Boolean.parseBoolean(jobOptions.getOrDefault("recs.filter-purchased", "true"));
        sb.append("\nFilters in the replayed job: recs.filter-purchased=").append(purchased)
                .append(", recs.filter-seen=").append(jobOptions.getOrDefault("recs.filter-seen", "false"))
                .append(purchased ? " (every baseline drops the user's purchased items too, as the job does; "
                        + "recs.filter-seen applies to the job only)" : " (the baselines apply no filter)")
                .append(".\n");
        sb.append("Retrieval baseline: inner products of the user's interest vector (io.streamrec.model."
                + "InterestVector, updated with the bundle's type weights and half-life on every event) with all "
                + "bundle item embeddings, computed in Java (not a second job run). Repeat, covisit_knn, vsknn and "
                + "stan are "
                + "filled up with popular items to 20.\n");
        if (d.gru4rec != null) {
            sb.append("GRU4Rec baseline (gru4rec): a GRU over the user's running session (sessions as for vsknn and "
                    + "stan), ").append(d.gru4rec).append("; it does not learn from the test part.\n");
        }
        if (d.tuning != null) {
            sb.append(d.tuning.markdown());
        }
        Files.writeString(out.resolve("report.md"), sb.toString(), StandardCharsets.UTF_8);
    }

    private static Object fmt(Object v) {
        if (v instanceof Double x) {
            return String.format(Locale.ROOT, "%.4f", x);
        }
        return v;
    }

    private static double round(double x) {
        return Math.round(x * 10) / 10.0;
    }

    private static void table(StringBuilder sb, Scorer scorer, List<String> methods, String protocol,
                              Map<String, Object> coverage) {
        long n = scorer.method(methods.get(0)).cell(protocol, "all").count();
        sb.append("n = ").append(n).append(" scored events\n\n");
        sb.append("| method | HR@10 | HR@20 | MRR@20 | NDCG@20 | coverage | in list |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (String m : methods) {
            Scorer.Acc acc = scorer.method(m).cell(protocol, "all");
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |%n", m,
                    acc.get("HR@10"), acc.get("HR@20"), acc.get("MRR@20"), acc.get("NDCG@20"),
                    (Double) coverage.get(m), scorer.method(m).hitAnywhere(protocol)));
        }
        sb.append("\n`coverage`: distinct items in the top-20 lists / items in the log. `in list`: the next item is "
                + "anywhere in the emitted list (for streamrec with recs.top-k > 20 this is the recall of the "
                + "candidates that survived the filters).\n");
    }

    /** The quality targets: +10% relative MRR@20 over the best baseline per protocol; oracle HR@20 within 10%. */
    static Map<String, Object> targets(Scorer scorer, List<String> methods) {
        Map<String, Object> t = new LinkedHashMap<>();
        if (!methods.contains("streamrec")) {
            return t;
        }
        for (String p : Scorer.PROTOCOLS) {
            double ours = scorer.method("streamrec").cell(p, "all").get("MRR@20");
            String best = null;
            double bestV = -1;
            for (String m : methods) {
                if (BASELINES.contains(m)) {
                    double x = scorer.method(m).cell(p, "all").get("MRR@20");
                    if (x > bestV) {
                        bestV = x;
                        best = m;
                    }
                }
            }
            if (best == null) {
                continue;
            }
            double rel = bestV > 0 ? ours / bestV - 1 : Double.POSITIVE_INFINITY;
            double[] ci = Scorer.relativeDifferenceCi(scorer.method("streamrec").reciprocalRanks(p),
                    scorer.method(best).reciprocalRanks(p), 1000);
            t.put("mrr20_vs_best_baseline_" + p, String.format(Locale.ROOT,
                    "streamrec %.4f vs %s %.4f: %+.1f%% relative (paired bootstrap 95%% CI %+.1f%% .. %+.1f%%; "
                            + "target >= +10%%): %s", ours, best, bestV, 100 * rel, 100 * ci[0], 100 * ci[1],
                    rel >= 0.10 ? "MET" : "NOT MET"));
        }
        if (methods.contains("oracle")) {
            for (String p : Scorer.PROTOCOLS) {
                double ours = scorer.method("streamrec").cell(p, "all").get("HR@20");
                double or = scorer.method("oracle").cell(p, "all").get("HR@20");
                double ratio = or > 0 ? ours / or : 0;
                t.put("hr20_vs_oracle_" + p, String.format(Locale.ROOT,
                        "streamrec %.4f vs oracle %.4f: %.1f%% of the oracle (target >= 90%%): %s", ours, or,
                        100 * ratio, ratio >= 0.9 ? "MET" : "NOT MET"));
            }
        }
        return t;
    }
}
