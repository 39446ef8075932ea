package io.streamrec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.event.UserEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code evaluate --tune}: picks the session-kNN baselines' parameters on a validation split carved from the training
 * part only, so the test split never influences a choice. The last {@code fraction} of training events (by time) is
 * the validation part; every setting of a small grid observes the earlier training events unscored, then is scored on
 * the validation events by the evaluation's own {@link Protocol} and {@link Scorer}; per method the setting with the
 * best MRR@20 in the {@code all} protocol wins. V-SKNN's grid is searched in full; STAN's k and m first (with the
 * configured λ), then its λ1, λ2, λ3 at the chosen k and m. All settings of a pass share one {@link SessionIndex} and
 * its {@link Neighbourhood}: the neighbour search is done once per event and m, not once per setting.
 */
public final class Tuning {
    public static final double DEFAULT_FRACTION = 0.1;
    /** The protocol and metric a choice is made on. */
    public static final String PROTOCOL = "all";
    public static final String METRIC = "MRR@20";

    static final int[] KS = {50, 100, 200};
    static final int[] SAMPLES = {500, 1000};
    static final SessionKnn.VSknn.Weighting[] WEIGHTINGS =
            {SessionKnn.VSknn.Weighting.LINEAR, SessionKnn.VSknn.Weighting.DIV};
    static final boolean[] IDF = {false, true};
    /** STAN's ranges (Garg et al. 2019 tune λ1 and λ3 in positions, λ2 in time): a few points across them. */
    static final double[] LAMBDA1 = {1, 4};
    static final double[] LAMBDA2_S = {3_600, 86_400, 864_000, 8_640_000};
    static final double[] LAMBDA3 = {1, 4};

    /** One scored setting. */
    public record Trial(String method, Map<String, Object> params, double mrrAll, double hrAll, double mrrNew) {}

    /** The grid's scores, the choice and the split. */
    public static final class Result {
        public final List<Trial> trials = new ArrayList<>();
        public final Map<String, Trial> chosen = new LinkedHashMap<>();
        public long cutoffTs;
        public long observedEvents;
        public long validationEvents;
        public long scoredEvents;
        public double fraction;
        public final List<String> passes = new ArrayList<>();

        /** Sets the chosen parameters into {@code s}. */
        public void apply(EvalSettings s) {
            Trial v = chosen.get("vsknn");
            if (v != null) {
                s.vsknnK = (Integer) v.params.get("k");
                s.vsknnSample = (Integer) v.params.get("sample");
                s.vsknnWeighting = (String) v.params.get("weighting");
                s.vsknnIdf = (Boolean) v.params.get("idf");
            }
            Trial t = chosen.get("stan");
            if (t != null) {
                s.stanK = (Integer) t.params.get("k");
                s.stanSample = (Integer) t.params.get("sample");
                s.stanLambda1 = (Double) t.params.get("lambda1");
                s.stanLambda2S = (Double) t.params.get("lambda2_s");
                s.stanLambda3 = (Double) t.params.get("lambda3");
            }
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("validation_fraction_of_training_events", fraction);
            m.put("cutoff_ts", cutoffTs);
            m.put("observed_training_events", observedEvents);
            m.put("validation_events", validationEvents);
            m.put("scored_validation_events", scoredEvents);
            m.put("chosen_on", METRIC + " in protocol " + PROTOCOL);
            m.put("passes", passes);
            Map<String, Object> ch = new LinkedHashMap<>();
            chosen.forEach((k, v) -> ch.put(k, v.params));
            m.put("chosen", ch);
            m.put("grid", trials);
            return m;
        }

        /** The report.md section. */
        public String markdown() {
            StringBuilder sb = new StringBuilder("\n## Parameter choice on the validation split (--tune)\n\n");
            sb.append(String.format(Locale.ROOT, "The last %.0f %% of training events (ts >= %d) are the validation "
                    + "part: %d earlier training events observed unscored, %d validation events, %d scored. Chosen per "
                    + "method by %s in protocol `%s`; the test part was scored once, afterwards, with the chosen "
                    + "parameters. Full grid in tune.json.%n%n", 100 * fraction, cutoffTs, observedEvents,
                    validationEvents, scoredEvents, METRIC, PROTOCOL));
            sb.append("| method | parameters | MRR@20 all | HR@20 all | MRR@20 new | chosen |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (Trial t : trials) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %s |%n", t.method, t.params,
                        t.mrrAll, t.hrAll, t.mrrNew, chosen.get(t.method) == t ? "yes" : ""));
            }
            sb.append('\n');
            for (String p : passes) {
                sb.append("- ").append(p).append('\n');
            }
            return sb.toString();
        }

        public void write(Path file) throws IOException {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), asMap());
        }
    }

    private Tuning() {}

    /**
     * Tunes on {@code train} alone.
     *
     * @param wrap applied to every method before scoring (the job's purchased-item filter), or identity
     */
    public static Result run(List<UserEvent> train, double fraction, EvalSettings base,
                             UnaryOperator<Recommender> wrap, PrintStream log) {
        Result r = new Result();
        r.fraction = fraction;
        if (train.size() < 2) {
            throw new IllegalArgumentException("the training part is too small to carve a validation split");
        }
        EvaluateCommand.TimeSplit split = EvaluateCommand.TimeSplit.of(train, 1 - fraction);
        List<UserEvent> observed = split.before();
        List<UserEvent> validation = split.after();
        if (observed.isEmpty()) {
            throw new IllegalArgumentException("the training part is too small to carve a validation split");
        }
        r.cutoffTs = split.cutoff();
        r.observedEvents = observed.size();
        r.validationEvents = validation.size();

        // pass 1: V-SKNN's whole grid and STAN's k x m
        Map<String, Candidate> pass1 = new LinkedHashMap<>();
        SessionIndex index1 = new SessionIndex(base.sessionGapS * 1000, max(SAMPLES));
        Baselines.Popular pop1 = new Baselines.Popular(base.popularRefreshEvents);
        for (int k : KS) {
            for (int m : SAMPLES) {
                for (SessionKnn.VSknn.Weighting w : WEIGHTINGS) {
                    for (boolean idf : IDF) {
                        var v = new SessionKnn.VSknn("vsknn#" + pass1.size(), index1, k, m, w, idf, pop1);
                        pass1.put(v.name(), new Candidate("vsknn", vsknnParams(k, m, w, idf), v));
                    }
                }
                var s = new SessionKnn.Stan("stan#" + pass1.size(), index1, k, m, base.stanLambda1,
                        base.stanLambda2S, base.stanLambda3, pop1);
                pass1.put(s.name(), new Candidate("stan", stanParams(k, m, base.stanLambda1, base.stanLambda2S,
                        base.stanLambda3), s));
            }
        }
        r.scoredEvents = pass(r, "pass 1 (vsknn grid, stan k x m)", observed, validation, pop1, pass1, wrap, log);
        Trial stanKm = best(r.trials, "stan");

        // pass 2: STAN's λ at the chosen k and m
        int k = (Integer) stanKm.params.get("k");
        int m = (Integer) stanKm.params.get("sample");
        Map<String, Candidate> pass2 = new LinkedHashMap<>();
        SessionIndex index2 = new SessionIndex(base.sessionGapS * 1000, m);
        Baselines.Popular pop2 = new Baselines.Popular(base.popularRefreshEvents);
        for (double l1 : LAMBDA1) {
            for (double l2 : LAMBDA2_S) {
                for (double l3 : LAMBDA3) {
                    var s = new SessionKnn.Stan("stan#" + (pass1.size() + pass2.size()), index2, k, m, l1, l2, l3,
                            pop2);
                    pass2.put(s.name(), new Candidate("stan", stanParams(k, m, l1, l2, l3), s));
                }
            }
        }
        pass(r, "pass 2 (stan lambdas at the chosen k, m)", observed, validation, pop2, pass2, wrap, log);
        r.chosen.put("vsknn", best(r.trials, "vsknn"));
        r.chosen.put("stan", best(r.trials, "stan"));
        log.printf(Locale.ROOT, "evaluate --tune: chose vsknn %s, stan %s (%s, protocol %s)%n",
                r.chosen.get("vsknn").params, r.chosen.get("stan").params, METRIC, PROTOCOL);
        return r;
    }

    private record Candidate(String method, Map<String, Object> params, Recommender rec) {}

    private static long pass(Result r, String label, List<UserEvent> observed, List<UserEvent> validation,
                             Baselines.Popular popular, Map<String, Candidate> grid, UnaryOperator<Recommender> wrap,
                             PrintStream log) {
        List<Recommender> recs = new ArrayList<>();
        recs.add(new Progress(popular, observed.size() + validation.size(), "evaluate --tune " + label, log));
        for (Candidate c : grid.values()) {
            recs.add(wrap.apply(c.rec));
        }
        Scorer scorer = new Scorer();
        long t0 = System.nanoTime();
        Protocol.Stats st = Protocol.run(observed, validation, recs, scorer);
        double sec = (System.nanoTime() - t0) / 1e9;
        r.passes.add(String.format(Locale.ROOT, "%s: %d settings, %d events, %d scored, %.1f s (%.1f s per setting)",
                label, grid.size(), st.trainEvents + st.testEvents, st.scoredEvents, sec, sec / grid.size()));
        for (var e : grid.entrySet()) {
            Scorer.MethodScores s = scorer.method(e.getKey());
            Candidate c = e.getValue();
            r.trials.add(new Trial(c.method, c.params, s.cell(PROTOCOL, "all").get(METRIC),
                    s.cell(PROTOCOL, "all").get("HR@20"), s.cell("new", "all").get(METRIC)));
        }
        return st.scoredEvents;
    }

    /** The first trial of {@code method} with the highest MRR@20 in {@link #PROTOCOL} (grid order breaks ties). */
    static Trial best(List<Trial> trials, String method) {
        Trial best = null;
        for (Trial t : trials) {
            if (t.method.equals(method) && (best == null || t.mrrAll > best.mrrAll)) {
                best = t;
            }
        }
        return best;
    }

    private static Map<String, Object> vsknnParams(int k, int m, SessionKnn.VSknn.Weighting w, boolean idf) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("k", k);
        p.put("sample", m);
        p.put("weighting", w.name().toLowerCase(Locale.ROOT));
        p.put("idf", idf);
        return p;
    }

    private static Map<String, Object> stanParams(int k, int m, double l1, double l2, double l3) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("k", k);
        p.put("sample", m);
        p.put("lambda1", l1);
        p.put("lambda2_s", l2);
        p.put("lambda3", l3);
        return p;
    }

    private static int max(int[] a) {
        int m = a[0];
        for (int x : a) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** Wraps a method and prints a progress line every 10 % of the events it observes, with events/s. */
    static final class Progress implements Recommender {
        private final Recommender inner;
        private final long total;
        private final String label;
        private final PrintStream log;
        private final long t0 = System.nanoTime();
        private long seen;

        Progress(Recommender inner, long total, String label, PrintStream log) {
            this.inner = inner;
            this.total = Math.max(1, total);
            this.label = label;
            this.log = log;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void observe(UserEvent e) {
            inner.observe(e);
            seen++;
            if (seen * 10 / total != (seen - 1) * 10 / total) {
                double sec = (System.nanoTime() - t0) / 1e9;
                log.printf(Locale.ROOT, "%s: %d %% of %d events, %.0f events/s%n", label, seen * 100 / total, total,
                        seen / Math.max(sec, 1e-9));
            }
        }

        @Override
        public List<String> recommend(UserEvent e, int k) {
            return inner.recommend(e, k);
        }

        @Override
        public List<String> discover(UserEvent e, int k, java.util.Set<String> history) {
            return inner.discover(e, k, history);
        }
    }

    /** Wraps a method and adds up the wall time of its observe, recommend and discover calls (time of one pass). */
    static final class Timed implements Recommender {
        private final Recommender inner;
        private long nanos;

        Timed(Recommender inner) {
            this.inner = inner;
        }

        double seconds() {
            return nanos / 1e9;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void observe(UserEvent e) {
            long t = System.nanoTime();
            inner.observe(e);
            nanos += System.nanoTime() - t;
        }

        @Override
        public List<String> recommend(UserEvent e, int k) {
            long t = System.nanoTime();
            List<String> l = inner.recommend(e, k);
            nanos += System.nanoTime() - t;
            return l;
        }

        @Override
        public List<String> discover(UserEvent e, int k, java.util.Set<String> history) {
            long t = System.nanoTime();
            List<String> l = inner.discover(e, k, history);
            nanos += System.nanoTime() - t;
            return l;
        }
    }
}
