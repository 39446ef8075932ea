package io.streamrec.eval;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate --tune} chooses on the validation split of the training part: what happens after the evaluation's
 * cutoff cannot change a choice, while the validation events do change the grid's scores.
 */
class TuningTest {
    private static final long MIN = 60_000L;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** Sessions that walk through one of a few topics' items in order, from users picked at random. */
    private static List<UserEvent> log(long seed, int sessions) {
        Random rnd = new Random(seed);
        List<UserEvent> out = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            String user = "u" + rnd.nextInt(60);
            int topic = rnd.nextInt(12);
            int start = rnd.nextInt(10);
            int len = 3 + rnd.nextInt(6);
            for (int i = 0; i < len; i++) {
                String item = rnd.nextInt(10) == 0 ? "noise" + rnd.nextInt(300) : "t" + topic + "-" + (start + i);
                out.add(new UserEvent("s" + s + "-" + i, user, item, EventType.VIEW, s * 10 * MIN + i * MIN));
            }
        }
        out.sort(java.util.Comparator.comparingLong(e -> e.ts));
        return out;
    }

    private static Tuning.Result tune(List<UserEvent> train) {
        return Tuning.run(train, 0.2, new EvalSettings(), UnaryOperator.identity(), QUIET);
    }

    @Test
    void theChoiceAndTheGridScoresDoNotDependOnTheTestPart() {
        List<UserEvent> logA = log(1, 700);
        EvaluateCommand.TimeSplit a = EvaluateCommand.TimeSplit.of(logA, 0.8);
        // the same log up to the cutoff, with a different future: every test event gets another item
        List<UserEvent> logB = new ArrayList<>(a.before());
        Random rnd = new Random(99);
        for (UserEvent e : a.after()) {
            logB.add(new UserEvent(e.eventId, e.userId, "other" + rnd.nextInt(50), EventType.PURCHASE, e.ts));
        }
        EvaluateCommand.TimeSplit b = EvaluateCommand.TimeSplit.of(logB, 0.8);
        assertNotEquals(a.after(), b.after());

        Tuning.Result ra = tune(a.before());
        Tuning.Result rb = tune(b.before());
        assertEquals(ra.trials, rb.trials);
        assertEquals(ra.chosen, rb.chosen);
        assertTrue(ra.trials.stream().anyMatch(t -> t.mrrAll() > 0.05), "the grid found the topics: " + ra.trials);
    }

    @Test
    void theGridIsScoredOnTheValidationEventsAndTheEarlierOnesOnlyObserved() {
        List<UserEvent> train = log(2, 600);
        Tuning.Result r = tune(train);
        EvaluateCommand.TimeSplit split = EvaluateCommand.TimeSplit.of(train, 0.8);
        assertEquals(split.before().size(), r.observedEvents);
        assertEquals(split.after().size(), r.validationEvents);
        long withNext = java.util.Arrays.stream(Protocol.nextIndex(split.after())).filter(i -> i >= 0).count();
        assertEquals(withNext, r.scoredEvents);
        // 24 V-SKNN settings, 6 STAN k x m, 16 STAN lambda settings
        assertEquals(46, r.trials.size());
        assertEquals(Tuning.best(r.trials, "vsknn"), r.chosen.get("vsknn"));
        assertTrue(r.trials.stream().filter(t -> t.method().equals("vsknn"))
                .allMatch(t -> t.mrrAll() <= r.chosen.get("vsknn").mrrAll()));

        // changing only validation events changes the scores: the choice is made on them
        List<UserEvent> changed = new ArrayList<>(split.before());
        for (UserEvent e : split.after()) {
            changed.add(new UserEvent(e.eventId, e.userId, "x" + (e.ts % 7), EventType.VIEW, e.ts));
        }
        assertNotEquals(r.trials, tune(changed).trials);
    }

    @Test
    void theChosenParametersAreWhatTheEvaluationThenUses() {
        Tuning.Result r = tune(log(3, 400));
        EvalSettings s = new EvalSettings();
        r.apply(s);
        Tuning.Trial v = r.chosen.get("vsknn");
        Tuning.Trial st = r.chosen.get("stan");
        assertEquals(v.params().get("k"), s.vsknnK);
        assertEquals(v.params().get("sample"), s.vsknnSample);
        assertEquals(v.params().get("weighting"), s.vsknnWeighting);
        assertEquals(v.params().get("idf"), s.vsknnIdf);
        assertEquals(st.params().get("k"), s.stanK);
        assertEquals(st.params().get("lambda1"), s.stanLambda1);
        assertEquals(st.params().get("lambda2_s"), s.stanLambda2S);
        assertEquals(st.params().get("lambda3"), s.stanLambda3);
        assertTrue(r.markdown().contains("protocol `all`"));
    }
}
