package io.streamrec.job;

import io.streamrec.event.UserEvent;
import io.streamrec.feedback.FeedbackHorizon;
import io.streamrec.feedback.ListFeedback;
import io.streamrec.ranking.PreparedEvent;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;

import java.util.function.Consumer;

/**
 * How the ranking operator judges its own lists online ({@link RecommendFunction#FEEDBACK}). Every accepted event
 * judges the last list emitted for its user ({@link UserState#lastList}): the rank of the event's item in it, 0 for a
 * miss, attributed to the variant and model version that ranked that list (the state's version changes only when the
 * next event is applied with another model). Once the event's own list is emitted, its first top-K items become the
 * new last list. That is the ranked list before the catalog filter, so a hit is attributed against the ranked order
 * and an item the filter dropped shifts the ranks the user saw by one. Under micro-batching, an event whose user's
 * previous event waits in the same batch is judged when the batch is scored, right after that list is made
 * ({@link #judgeInBatch}), so every event is judged against its user's previous list, as {@code evaluate} does. With
 * {@code feedback.horizon-events} N > 1 a {@link FeedbackHorizon} keeps each list open for the next N events instead.
 * Why apart: the operator's event path then reads as the pipeline, and the protocol is in one place.
 */
final class FeedbackJudge {
    /** The open lists of {@code feedback.horizon-events} > 1; null with the default 1 (the last list only). */
    private final FeedbackHorizon horizon;

    FeedbackJudge(FeedbackHorizon horizon) {
        this.horizon = horizon;
    }

    /**
     * With N = 1, how {@code e} judges the user's last list; null without a horizon of 1, without a list, or when the
     * event has no item. Call it before the event is applied to the state.
     */
    ListFeedback lastList(UserState s, UserEvent e, ServingVariants.Arm arm, ServingVariants variants) {
        if (horizon != null || s.lastList.length == 0 || e.itemId == null) {
            return null;
        }
        return new ListFeedback(variantOfLastList(s, arm, variants), s.modelVersion, e.userId, e.eventId, e.type,
                e.ts, UserStateUpdater.rankInLastList(s, e.itemId), s.lastList.length);
    }

    /** With N > 1, lets {@code e} judge the user's open lists (under the user's key); a no-op with N = 1. */
    void openLists(UserEvent e, Consumer<ListFeedback> out) throws Exception {
        if (horizon != null) {
            horizon.judge(e, out);
        }
    }

    /**
     * Judges a batched event whose user's previous list was made earlier in the same batch: that list is the user's
     * last list now (remembered a few slots ago), as it was the last one the user could have seen. Under the user's
     * key, before this event's own list replaces it.
     */
    void judgeInBatch(PreparedEvent p, ServingVariants.Arm arm, ServingVariants variants,
                      RecommendFunction.ListEmitter to) {
        UserEvent e = p.judgeLater;
        to.selectKey(e.userId);
        if (horizon == null) {
            ListFeedback f = lastList(p.state, e, arm, variants);
            if (f != null) {
                to.feedback(f, p.timestamp, p.hasTimestamp);
            }
            return;
        }
        try {
            horizon.judge(e, f -> to.feedback(f, p.timestamp, p.hasTimestamp));
        } catch (Exception ex) {
            throw new IllegalStateException("cannot judge the open lists for online feedback", ex);
        }
    }

    /** With N > 1, opens the list just remembered (under its user's key) for the next N events. */
    void open(UserState s, int[] shown, String variant, long listTs) {
        if (horizon != null) {
            try {
                horizon.open(shown, variant, s.modelVersion, listTs);
            } catch (Exception e) {
                throw new IllegalStateException("cannot keep the list open for online feedback", e);
            }
        }
    }

    /**
     * The variant that served the user's last list: the user's variant when its model made the list (the state's
     * model version is the version that ranked it), else the variant now serving that version (the plan changed
     * since), else {@code retired}.
     */
    private static String variantOfLastList(UserState s, ServingVariants.Arm arm, ServingVariants variants) {
        if (arm.model.bundle.modelVersion().equals(s.modelVersion)) {
            return arm.name;
        }
        String v = variants.variantOf(s.modelVersion);
        return v == null ? "retired" : v;
    }
}
