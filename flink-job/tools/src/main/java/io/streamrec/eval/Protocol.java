package io.streamrec.eval;

import io.streamrec.event.UserEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The "predict the next item of every prefix" protocol (SR-GNN, NARM): every recommender observes the training part
 * (not scored), then the test part event by event; after each test event that has a next event from the same user in
 * the test part, each recommender's list is scored against that next item. A user with no training events starts the
 * test part with an empty history (the session-based case) and is scored all the same. In the {@code new} protocol
 * each method is scored on its discovery list ({@link Recommender#discover}).
 */
public final class Protocol {
    public static final int K = 20;

    /** Counts describing what was scored. */
    public static final class Stats {
        public long trainEvents;
        public long testEvents;
        public long scoredEvents;
        public long scoredNewItem;
        public long testUsers;
        public long coldTestUsers;
        public long scoredFromColdUsers;
        public long catalogue;
        public long testItemsUnseenInTrain;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private Protocol() {}

    /** For each test index, the index of the same user's next test event, or -1. */
    static int[] nextIndex(List<UserEvent> test) {
        int[] next = new int[test.size()];
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < test.size(); i++) {
            next[i] = -1;
            Integer p = last.put(test.get(i).userId, i);
            if (p != null) {
                next[p] = i;
            }
        }
        return next;
    }

    /** Lists written per scored event by {@link #run} when asked to dump them. */
    public static final int DUMP_K = 100;

    public static Stats run(List<UserEvent> train, List<UserEvent> test, List<Recommender> recs, Scorer scorer) {
        try {
            return run(train, test, recs, scorer, null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs the protocol; with a non-null {@code dump}, also writes one JSON line per scored event: the user, the
     * next item, whether it is new, the user's history (items observed so far), each method's first
     * {@link #DUMP_K} items and its discovery list, so list policies can be analysed offline.
     */
    public static Stats run(List<UserEvent> train, List<UserEvent> test, List<Recommender> recs, Scorer scorer,
            java.io.Writer dump) throws java.io.IOException {
        Stats st = new Stats();
        st.trainEvents = train.size();
        st.testEvents = test.size();
        Map<String, Set<String>> history = new HashMap<>();
        Set<String> trainUsers = new HashSet<>();
        Set<String> items = new HashSet<>();
        for (UserEvent e : train) {
            for (Recommender r : recs) {
                r.observe(e);
            }
            history.computeIfAbsent(e.userId, u -> new HashSet<>()).add(e.itemId);
            trainUsers.add(e.userId);
            items.add(e.itemId);
        }
        Set<String> trainItems = new HashSet<>(items);
        int[] next = nextIndex(test);
        Set<String> testUsers = new HashSet<>();
        Set<String> unseen = new HashSet<>();
        for (int i = 0; i < test.size(); i++) {
            UserEvent e = test.get(i);
            testUsers.add(e.userId);
            items.add(e.itemId);
            if (!trainItems.contains(e.itemId)) {
                unseen.add(e.itemId);
            }
            for (Recommender r : recs) {
                r.observe(e);
            }
            Set<String> h = history.computeIfAbsent(e.userId, u -> new HashSet<>());
            h.add(e.itemId);
            if (next[i] < 0) {
                continue;
            }
            UserEvent target = test.get(next[i]);
            boolean isNew = !h.contains(target.itemId);
            st.scoredEvents++;
            if (isNew) {
                st.scoredNewItem++;
            }
            if (!trainUsers.contains(e.userId)) {
                st.scoredFromColdUsers++;
            }
            var line = dump == null ? null : MAPPER.createObjectNode();
            var lists = line == null ? null : line.putObject("lists");
            var discover = line == null ? null : line.putObject("discover");
            for (Recommender r : recs) {
                List<String> l = r.recommend(e, dump == null ? K : DUMP_K);
                List<String> d = isNew || discover != null ? r.discover(e, K, h) : null;
                scorer.score(r.name(), l, d, target.itemId, target.type, isNew);
                if (lists != null) {
                    l.stream().limit(DUMP_K).forEach(lists.putArray(r.name())::add);
                    d.forEach(discover.putArray(r.name())::add);
                }
            }
            if (line != null) {
                line.put("event", e.eventId).put("user", e.userId).put("target", target.itemId)
                        .put("target_type", target.type.wireName()).put("new", isNew);
                h.forEach(line.putArray("history")::add);
                dump.write(MAPPER.writeValueAsString(line));
                dump.write('\n');
            }
        }
        st.testUsers = testUsers.size();
        st.coldTestUsers = testUsers.stream().filter(u -> !trainUsers.contains(u)).count();
        st.catalogue = items.size();
        st.testItemsUnseenInTrain = unseen.size();
        return st;
    }
}
