package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.DiscoveryList;
import io.streamrec.candidates.ItemScores;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.candidates.PendingCandidates;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.CategoryKey;
import io.streamrec.state.UserState;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * One event made ready to rank: its candidates, online scores and discovery list, and a private copy of its ranking
 * request (history, interest, online scores as the table stood right after this event). Why a copy: under
 * micro-batching the event is scored later, in a batch, and must get the scores it would have got at once. Its
 * buffers are reused batch after batch (grown, never shrunk).
 */
public final class PreparedEvent {
    public final RankRequest request = new RankRequest();
    public final CandidateSet candidates = new CandidateSet();
    /** The candidates while retrieval and popular items are owed: final once the batch completes them. */
    public final PendingCandidates pending = new PendingCandidates(candidates);
    public final ItemScores onlineScores = new ItemScores();
    /** The neighbour-ordered discovery list, empty unless the list is ordered by neighbours. */
    public final DiscoveryList discovery = new DiscoveryList();
    /** The user's history length ({@link RankRequest#histLen} is capped at the model's L). */
    int histLen;
    /** Per history position, whether the job's filters allow its item (when {@link #filtered}). */
    boolean[] allowedAt = new boolean[0];
    boolean filtered;
    String userId;
    String eventId;
    long eventTs;
    long ingestTs;
    long seq;
    /**
     * The user's state object this event updated: after the list is emitted, its {@link UserState#lastList} is set
     * and the state written again under the user's key (under micro-batching that is later, in another key's call).
     */
    public UserState state;
    /**
     * The event, when its judgement of the user's last list (online feedback) waits for that list: the user's
     * previous event is earlier in this very batch, so its list is made when the batch is scored. Else null.
     */
    public UserEvent judgeLater;
    /** The stream timestamp of the event, for the emitted list. */
    public long timestamp;
    public boolean hasTimestamp;

    public PreparedEvent() {
        request.interest = new float[0];
        request.histItems = new String[0];
        request.histTypes = new EventType[0];
        request.histTs = new long[0];
        request.histCategories = new byte[0];
    }

    /**
     * Copies what ranking reads of the user's state into the request, after the candidate stage filled
     * {@link #onlineScores} and started {@link #candidates} (the batch completes them before it is scored).
     *
     * @param seqLen   the model's L
     * @param excluded the filters, read now for the re-visit order's history items; null when no re-visit order
     *                 needs them
     * @param online   the online co-visitation table, or null
     */
    public void prepare(UserState s, UserEvent e, int seqLen, Predicate<String> excluded, OnlineCovisitation online) {
        RankRequest r = request;
        int h = s.histItems.length;
        ensureHistory(h, s.interest.length);
        filtered = excluded != null;
        if (filtered) { // which history items the filters allow, read while this user's sets are built
            for (int i = 0; i < h; i++) {
                allowedAt[i] = !excluded.test(s.histItems[i]);
            }
        }
        System.arraycopy(s.interest, 0, r.interest, 0, s.interest.length);
        System.arraycopy(s.histItems, 0, r.histItems, 0, h);
        int keys = Math.min(h, s.histCategories.length); // equal, except for a state built without keys
        System.arraycopy(s.histCategories, 0, r.histCategories, 0, keys);
        Arrays.fill(r.histCategories, keys, h, CategoryKey.NONE);
        for (int i = 0; i < h; i++) {
            r.histTypes[i] = EventType.fromModelIndex(s.histTypes[i]);
            r.histTs[i] = s.historyTs(i);
        }
        histLen = h;
        r.histLen = Math.min(h, seqLen);
        r.triggerTs = e.ts;
        r.triggerType = e.type;
        r.onlineCovisit = online;
        r.onlineScores = online != null ? onlineScores : null;
        pointAtCandidates();

        userId = e.userId;
        eventId = e.eventId;
        eventTs = e.ts;
        ingestTs = e.ingestTs;
        seq = s.seq;
        state = s;
    }

    /** Points the request at the candidate set as it stands now (its arrays may have grown since). */
    void pointAtCandidates() {
        request.candidates = candidates.itemArray();
        request.candidateIndices = candidates.modelIndexArray();
        request.numCandidates = candidates.size();
    }

    /** The stream timestamp the event's list is emitted with. */
    public void stamp(Long timestamp) {
        this.timestamp = timestamp != null ? timestamp : 0L;
        this.hasTimestamp = timestamp != null;
    }

    private void ensureHistory(int h, int d) {
        if (request.interest.length != d) {
            request.interest = new float[d];
        }
        if (request.histItems.length < h) {
            int cap = Math.max(h, 64);
            request.histItems = new String[cap];
            request.histTypes = new EventType[cap];
            request.histTs = new long[cap];
            request.histCategories = new byte[cap];
            allowedAt = new boolean[cap];
        }
    }

    /** Drops references to this event's objects so a quiet operator does not pin them. */
    public void release() {
        discovery.clear();
        userId = null;
        eventId = null;
        state = null;
        judgeLater = null;
        Arrays.fill(request.histItems, null);
        candidates.clear();
    }
}
