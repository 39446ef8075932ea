package io.streamrec.eval;

import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

/**
 * The scoring of {@code evaluate} in two passes over the same events, so that most of it runs while the bundle
 * trains. The early pass ({@link #startEarly}) runs {@code --tune} if asked, then scores every method that needs
 * neither the bundle nor the replay (popular, trending, repeat, covisit_knn, vsknn, stan, the oracle); model-export
 * trains with one torch thread, so on a two-core machine this pass takes the other core. The late pass ({@link #late})
 * scores the rest: streamrec (the replay's lists), retrieval and gru4rec.
 *
 * <p>Each method's scores depend only on the events it observes and on the methods it shares state with (popular,
 * repeat and the session index are shared within the early pass; retrieval and gru4rec fall back on a copy of popular
 * that the late pass feeds and asks as one pass would), so the merged {@link Scorer} holds what one pass over every
 * method gives. With
 * {@code --dump-lists} (one line per event with every method's list) the early pass only tunes and builds, and the
 * late pass scores everything.
 */
final class ScoringPasses {

    /** What the early pass hands over: the tuning, and its scores or (dump mode, none scored) its baselines. */
    static final class Early {
        Tuning.Result tuned;
        final Scorer scorer = new Scorer();
        final Map<String, Double> seconds = new LinkedHashMap<>();
        List<Recommender> unscored;
        /** The popular baseline the early pass feeds (the fallback of the others). */
        Baselines.Popular popular;
    }

    /** The merged result of both passes. */
    record Scored(Protocol.Stats stats, Scorer scorer, Map<String, Double> seconds, Tuning.Result tuned,
                  String gru4rec) {}

    private ScoringPasses() {}

    /**
     * The baselines that need no bundle, built from {@code s} (after {@code --tune} has set it), in report order; the
     * oracle, if given, comes last.
     */
    static List<Recommender> bundleFree(EvalSettings s, Baselines.Popular popular, Recommender oracle) {
        List<Recommender> out = new ArrayList<>();
        Baselines.Repeat repeat = new Baselines.Repeat(s.repeatKeep, popular);
        out.add(popular);
        out.add(new Baselines.Trending(s.trendingWindowEvents, s.popularRefreshEvents, popular));
        out.add(repeat);
        out.add(new Baselines.CovisitKnn(s.knnPairWindow, s.knnMaxGapS * 1000, s.knnLastItems, repeat, popular));
        SessionIndex sessions = new SessionIndex(s.sessionGapS * 1000, Math.max(s.vsknnSample, s.stanSample));
        out.add(new SessionKnn.VSknn(sessions, s.vsknnK, s.vsknnSample, s.weighting(), s.vsknnIdf, popular));
        out.add(new SessionKnn.Stan(sessions, s.stanK, s.stanSample, s.stanLambda1, s.stanLambda2S, s.stanLambda3,
                popular));
        if (oracle != null) {
            out.add(oracle);
        }
        return out;
    }

    /**
     * Starts the early pass on its own (daemon) thread: {@code --tune} on the training part when
     * {@code tuneFraction} is positive (the choice is applied to {@code settings} and written to {@code tuneFile}),
     * then the bundle-free baselines, scored unless {@code dump}. {@code settings} belongs to this pass until the
     * future completes.
     */
    static CompletableFuture<Early> startEarly(List<UserEvent> train, List<UserEvent> test, EvalSettings settings,
            double tuneFraction, Path tuneFile, UnaryOperator<Recommender> shopRules, Recommender oracle,
            boolean dump, PrintStream log) {
        CompletableFuture<Early> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Early e = new Early();
                if (tuneFraction > 0) { // before the test part is touched: the choice sees the training part only
                    e.tuned = Tuning.run(train, tuneFraction, settings, shopRules, log);
                    e.tuned.apply(settings);
                    e.tuned.write(tuneFile);
                }
                List<Recommender> recs = new ArrayList<>();
                List<Tuning.Timed> timed = new ArrayList<>();
                e.popular = new Baselines.Popular(settings.popularRefreshEvents);
                for (Recommender b : bundleFree(settings, e.popular, oracle)) {
                    Tuning.Timed tb = new Tuning.Timed(shopRules.apply(b));
                    timed.add(tb);
                    recs.add(recs.isEmpty() && !dump
                            ? new Tuning.Progress(tb, train.size() + test.size(), "evaluate: scoring baselines", log)
                            : tb);
                }
                if (dump) {
                    e.unscored = recs;
                } else {
                    Protocol.run(train, test, recs, e.scorer);
                    for (Tuning.Timed tb : timed) { // names and times only: the baselines' state is dropped here
                        e.seconds.put(tb.name(), tb.seconds());
                    }
                }
                f.complete(e);
            } catch (Throwable x) {
                f.completeExceptionally(x);
            }
        }, "evaluate-early-scoring");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /**
     * The late pass: waits for the early one, scores streamrec's lists ({@code job}), retrieval on {@code bundle} and
     * gru4rec from {@code gruDir} (null: none), with the early pass's baselines too in dump mode, and merges both
     * passes' scores in report order (streamrec, the bundle-free baselines, retrieval, gru4rec, the oracle).
     */
    static Scored late(CompletableFuture<Early> early, List<UserEvent> train, List<UserEvent> test,
            JobReplay.Result job, ModelBundle bundle, Path gruDir, EvalSettings settings,
            UnaryOperator<Recommender> shopRules, java.io.Writer dump, PrintStream log) throws Exception {
        Early e = join(early); // from here on the settings are this thread's again
        // Popular re-ranks on the first call after its refresh interval, so its lists depend on when it is asked:
        // the late pass scores a copy of it again, first in the list as in one pass, so retrieval and gru4rec fall
        // back on exactly the lists one pass would give them (the report keeps the early pass's popular, the same).
        // With the dump, every method is in this pass and shares the early pass's instance.
        Baselines.Popular fallback = e.unscored != null ? e.popular
                : new Baselines.Popular(settings.popularRefreshEvents);
        try (Gru4RecBaseline gru = gruDir == null ? null : Gru4RecBaseline.open(gruDir, 1, fallback)) {
            List<Recommender> late = new ArrayList<>();
            late.add(new Baselines.Retrieval(bundle, fallback));
            if (gru != null) {
                late.add(gru);
            }
            List<Recommender> scoredHere = new ArrayList<>();
            if (e.unscored != null) {
                scoredHere.addAll(e.unscored);
            } else {
                scoredHere.add(new Tuning.Timed(shopRules.apply(fallback)));
            }
            for (Recommender b : late) {
                scoredHere.add(new Tuning.Timed(shopRules.apply(b)));
            }
            List<Recommender> recs = new ArrayList<>();
            recs.add(new Baselines.Fixed("streamrec", job.lists,
                    job.discoverLists.isEmpty() ? null : job.discoverLists));
            for (Recommender b : scoredHere) {
                recs.add(recs.size() == 1
                        ? new Tuning.Progress(b, train.size() + test.size(), "evaluate: scoring", log) : b);
            }
            Scorer scorer = new Scorer();
            Protocol.Stats stats = Protocol.run(train, test, recs, scorer, dump);
            Map<String, Double> seconds = new LinkedHashMap<>(e.seconds);
            for (Recommender b : scoredHere) { // the copy of popular is not counted again
                seconds.putIfAbsent(b.name(), ((Tuning.Timed) b).seconds());
            }
            if (gru != null) {
                log.println("evaluate: gru4rec: " + gru.describe());
            }
            List<String> earlyNames = e.unscored != null ? e.unscored.stream().map(Recommender::name).toList()
                    : List.copyOf(e.scorer.methods().keySet());
            List<String> order = new ArrayList<>();
            order.add("streamrec");
            earlyNames.stream().filter(m -> !m.equals(Oracle.NAME)).forEach(order::add);
            late.stream().map(Recommender::name).forEach(order::add);
            earlyNames.stream().filter(m -> m.equals(Oracle.NAME)).forEach(order::add);
            Scorer merged = Scorer.merge(order, e.scorer, scorer);
            Map<String, Double> orderedSeconds = new LinkedHashMap<>();
            for (String m : order) {
                if (seconds.containsKey(m)) {
                    orderedSeconds.put(m, seconds.get(m));
                }
            }
            return new Scored(stats, merged, orderedSeconds, e.tuned, gru == null ? null : gru.describe());
        }
    }

    /** The early pass's result, or its failure as thrown there. */
    static Early join(CompletableFuture<Early> early) throws Exception {
        try {
            return early.get();
        } catch (ExecutionException x) {
            if (x.getCause() instanceof Exception ex) {
                throw ex;
            }
            if (x.getCause() instanceof Error err) {
                throw err;
            }
            throw x;
        }
    }
}
