package io.streamrec.feedback;

import io.streamrec.event.UserEvent;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Online feedback with a horizon ({@code feedback.horizon-events} N > 1): each emitted list stays open until one of
 * the user's next N events (with an item) within {@code feedback.horizon} of the list's event hits one of its items,
 * and then closes with one {@link ListFeedback} carrying that event and the first hit's rank; it closes as a miss
 * (rank 0) after N events without a hit, or when an event arrives after the horizon has passed (the feedback then
 * names the event that closed the list). Why a separate class and state: with N = 1 the ranking operator judges
 * against {@code UserState.lastList} and costs nothing more; only a longer horizon pays for the open lists.
 *
 * <p>State: a keyed list state {@value #STATE_NAME} of at most N {@link OpenList}s per user (older ones are dropped
 * when a user's lists outrun their judging, which only micro-batching can cause), with the job's state TTL. Each
 * open list costs 4 bytes per item hash plus about 40 bytes (see docs/ONLINE_FEEDBACK.md for the measured figure).
 * A list whose user sends no further event is never judged, as with N = 1; it leaves with the TTL.
 */
public final class FeedbackHorizon {
    /** The keyed state's name in savepoints; never change it. */
    public static final String STATE_NAME = "feedback-open-lists";

    /** One list waiting for its judgement. A Flink POJO: no Kryo. */
    public static class OpenList {
        /** The list's item hashes ({@link UserStateUpdater#itemHash}) in rank order, at most top-K. */
        public int[] items;
        public String variant;
        public String modelVersion;
        /** Event time of the event the list answered. */
        public long listTs;
        /** Events that have judged it so far without a hit. */
        public int judged;

        public OpenList() {}

        public OpenList(int[] items, String variant, String modelVersion, long listTs) {
            this.items = items;
            this.variant = variant;
            this.modelVersion = modelVersion;
            this.listTs = listTs;
        }
    }

    private final int events;
    private final long windowMs;
    private transient ListState<OpenList> state;

    /** The pure logic, without state: for unit tests and callers that keep the open lists themselves. */
    public FeedbackHorizon(int events, long windowMs) {
        this.events = events;
        this.windowMs = windowMs;
    }

    /**
     * The horizon over keyed state for a ranking function, or null when {@code events} is 1 (then the function
     * judges against the user's last list alone).
     */
    public static FeedbackHorizon create(RuntimeContext context, int events, long windowMs, long ttlMs) {
        if (events <= 1) {
            return null;
        }
        ListStateDescriptor<OpenList> d = new ListStateDescriptor<>(STATE_NAME, TypeInformation.of(OpenList.class));
        d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMs))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        FeedbackHorizon h = new FeedbackHorizon(events, windowMs);
        h.state = context.getListState(d);
        return h;
    }

    /** Judges the current key's open lists by {@code e}; emits one feedback per list it closes. */
    public void judge(UserEvent e, Consumer<ListFeedback> out) throws Exception {
        if (e.itemId == null) {
            return;
        }
        List<OpenList> open = toList(state.get());
        if (!open.isEmpty()) {
            state.update(judge(open, e, out));
        }
    }

    /** Opens a list emitted for the current key (its event's time {@code listTs}). */
    public void open(int[] items, String variant, String modelVersion, long listTs) throws Exception {
        if (items.length == 0) {
            return;
        }
        state.update(add(toList(state.get()), new OpenList(items, variant, modelVersion, listTs)));
    }

    /** {@code e} judges every list of {@code open}; returns those still open, emits the closed ones' feedback. */
    public List<OpenList> judge(List<OpenList> open, UserEvent e, Consumer<ListFeedback> out) {
        List<OpenList> still = new ArrayList<>(open.size());
        if (e.itemId == null) {
            still.addAll(open);
            return still;
        }
        int h = UserStateUpdater.itemHash(e.itemId);
        for (OpenList l : open) {
            if (e.ts - l.listTs > windowMs) {
                out.accept(feedback(l, e, 0)); // the horizon passed before this event
                continue;
            }
            l.judged++;
            int rank = rank(l.items, h);
            if (rank > 0 || l.judged >= events) {
                out.accept(feedback(l, e, rank));
            } else {
                still.add(l);
            }
        }
        return still;
    }

    /** Appends {@code list}, dropping the oldest open lists beyond N. */
    public List<OpenList> add(List<OpenList> open, OpenList list) {
        open.add(list);
        while (open.size() > events) {
            open.remove(0);
        }
        return open;
    }

    private static ListFeedback feedback(OpenList l, UserEvent e, int rank) {
        return new ListFeedback(l.variant, l.modelVersion, e.userId, e.eventId, e.type, e.ts, rank, l.items.length);
    }

    private static int rank(int[] items, int hash) {
        for (int i = 0; i < items.length; i++) {
            if (items[i] == hash) {
                return i + 1;
            }
        }
        return 0;
    }

    private static List<OpenList> toList(Iterable<OpenList> it) {
        List<OpenList> out = new ArrayList<>();
        if (it != null) {
            it.forEach(out::add);
        }
        return out;
    }
}
