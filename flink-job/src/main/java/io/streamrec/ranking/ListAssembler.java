package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSource;
import io.streamrec.candidates.DiscoveryList;
import io.streamrec.candidates.HistoryWindow;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.model.ModelBundle;
import io.streamrec.sink.ScoredList;

import java.util.Arrays;

/**
 * Turns a scored event into the emitted list: the best {@code topK + overfetch} candidates by score, with source and
 * "because". With a re-visit scorer, the slots holding an item of the history window are refilled with the window's
 * allowed items in re-visit order (docs/MODEL_BUNDLE.md, "Re-visit order"): each slot keeps its ranker score, a
 * candidate its own source and "because", and a window item no source proposed is a {@code recent} item.
 *
 * <p>With the discovery list on, every entry says whether the discovery list skips it. In ranker order a
 * history-window item is skipped, and the next best candidates outside the window follow as {@link ScoredList#extra}
 * entries until {@code topK + overfetch} entries are outside it, so the catalog filter can cut a discovery list of
 * top-K from the same ranking. In neighbour order the main list is skipped and the extras are the event's
 * {@link DiscoveryList}, filled up when it is short with the ranker's best candidates outside the window (score 0, so
 * the list stays best-first).
 *
 * <p>"because" is filled only for the entries the two lists show when the catalog filter drops nothing (it was a
 * quarter of the operator's Java time, JFR): an overfetched entry that moves up in place of an out-of-stock item has
 * none. Why a class: this is the ranking stage's last step and needs no Flink; its buffers are reused (grown to the
 * largest list so far). Not thread-safe.
 */
public final class ListAssembler {
    private static final int BECAUSE_WINDOW = 10;

    private final int topK;
    private final int overfetch;
    private final boolean discoverList;
    private final boolean byNeighbours;
    private final Because because = new Because(BECAUSE_WINDOW);
    private final HistoryWindow historySet = new HistoryWindow();
    /** Per-slot scores, discovery skips and neighbour-list fill candidates. */
    private float[] slotScores = new float[0];
    private boolean[] marks = new boolean[0];
    private int[] fill = new int[0];
    /** The ranked candidate indices of the event being assembled, best first; reused, grown when needed. */
    private int[] order = new int[0];
    private int revisitMoved;

    /**
     * @param topK         the lists' K
     * @param overfetch    how many ranked items travel to the catalog filter beyond top-K
     * @param discoverList whether the lists carry a discovery list
     * @param byNeighbours whether the discovery list is the event's neighbour-ordered {@link DiscoveryList}
     */
    public ListAssembler(int topK, int overfetch, boolean discoverList, boolean byNeighbours) {
        this.topK = topK;
        this.overfetch = overfetch;
        this.discoverList = discoverList;
        this.byNeighbours = discoverList && byNeighbours;
    }

    /**
     * The event's list.
     *
     * @param scores  the ranker's score per candidate
     * @param revisit the serving re-visit scorer, or null (the ranker's order)
     * @param online  the online co-visitation table, or null, for "because"
     */
    public ScoredList assemble(PreparedEvent p, float[] scores, ModelBundle bundle, RevisitScorer revisit,
                               OnlineCovisitation online) {
        CandidateSet candidates = p.candidates;
        DiscoveryList discovery = p.discovery;
        int n = candidates.size();
        int want = topK + overfetch;
        int m = Math.min(n, want);
        int ranked = discoverList ? Math.min(n, m + want) : m;
        if (order.length < ranked) {
            order = new int[Math.max(ranked, 2 * want)];
        }
        int[] order = topIndices(scores, n, ranked, this.order);
        if (slotScores.length < m + want) { // reused buffers, grown to the largest list so far
            slotScores = new float[m + want];
            marks = new boolean[m + want];
            fill = new int[m + want];
        }
        for (int j = 0; j < ranked; j++) {
            slotScores[j] = scores[order[j]]; // the slot's score, before any re-visit refill
        }
        revisitMoved = 0;
        if (revisit != null && m > 0) {
            RankRequest r = p.request;
            revisit.prepare(r.histItems, r.histTypes, r.histTs, r.histCategories, r.histLen, r.triggerTs);
            revisitMoved = revisit.refill(order, m, candidates, p.filtered ? p.allowedAt : null);
        }
        String[] hist = p.request.histItems;
        int total = m;
        int fills = 0;
        boolean[] skipInDiscover = null;
        if (byNeighbours) {
            // the discovery list is the prepared neighbour list, after the main list; when the neighbours reach
            // fewer items (a new shopper), the ranker's best candidates outside the history fill it, with score 0
            historySet.build(hist, null, null, p.histLen);
            for (int j = 0; j < ranked && discovery.size() + fills < want; j++) {
                int i = order[j];
                if (i >= 0 && historySet.find(candidates.item(i)) < 0 && !discovery.contains(candidates.item(i))) {
                    fill[fills++] = i;
                }
            }
            total = m + discovery.size() + fills;
            Arrays.fill(marks, 0, m, true);
            Arrays.fill(marks, m, total, false);
            for (int j = 0; j < discovery.size(); j++) {
                slotScores[m + j] = (float) discovery.score(j);
            }
            Arrays.fill(slotScores, m + discovery.size(), total, 0f);
            skipInDiscover = Arrays.copyOf(marks, total);
        } else if (discoverList) {
            historySet.build(hist, null, null, p.histLen);
            int outside = 0;
            for (int j = 0; j < m; j++) {
                marks[j] = order[j] < 0 || historySet.find(candidates.item(order[j])) >= 0;
                outside += marks[j] ? 0 : 1;
            }
            for (int j = m; j < ranked && outside < want; j++) {
                if (historySet.find(candidates.item(order[j])) < 0) { // keep only extras outside the window
                    order[total] = order[j];
                    slotScores[total] = slotScores[j];
                    marks[total] = false;
                    total++;
                    outside++;
                }
            }
            skipInDiscover = Arrays.copyOf(marks, total);
        }

        ScoredList list = new ScoredList();
        list.userId = p.userId;
        list.seq = p.seq;
        list.modelVersion = bundle.modelVersion();
        list.triggerEventId = p.eventId;
        list.eventTs = p.eventTs;
        list.ingestTs = p.ingestTs;
        list.items = new String[total];
        list.scores = Arrays.copyOf(slotScores, total);
        list.sources = new String[total];
        list.because = new String[total];
        list.extra = total - m;
        list.skipInDiscover = skipInDiscover;
        because.prepare(bundle, hist, p.histLen);
        int outsideSeen = 0;
        for (int j = 0; j < total; j++) {
            // "because" for what the lists show when the catalog filter drops nothing: the main list's first top-K
            // and the first top-K outside the history; the overfetched rest only stand in for dropped items
            boolean explain = j < topK;
            if (skipInDiscover != null && !skipInDiscover[j]) {
                explain |= outsideSeen++ < topK;
            }
            int i;
            if (j < m || !byNeighbours) {
                i = order[j];
            } else if (j - m < discovery.size()) {
                int d = j - m;
                CandidateSource source = discovery.source(d);
                list.items[j] = discovery.item(d);
                list.sources[j] = source.wireName();
                if (explain && source == CandidateSource.ONLINE_COVISIT) {
                    list.because[j] = Because.online(online, p.onlineScores, list.items[j]);
                } else if (explain && p.histLen > 0 && (source == CandidateSource.CATEGORY_POPULAR
                        || source == CandidateSource.SEQUENCE)) {
                    list.because[j] = hist[0]; // popular in the category of, or often after, the item just viewed
                }
                continue;
            } else {
                i = fill[j - m - discovery.size()];
            }
            if (i < 0) { // a re-visit the candidate sources did not propose: the history window's item of rank -1-i
                list.items[j] = revisit.item(-1 - i);
                list.sources[j] = CandidateSource.RECENT.wireName();
                list.because[j] = explain ? because.explain(list.items[j], -1, CandidateSource.RECENT) : null;
                continue;
            }
            list.items[j] = candidates.item(i);
            CandidateSource source = candidates.source(i);
            list.sources[j] = source.wireName();
            if (explain) {
                list.because[j] = source == CandidateSource.ONLINE_COVISIT
                        ? Because.online(online, p.onlineScores, list.items[j])
                        : because.explain(list.items[j], candidates.modelIndex(i), source);
            }
        }
        because.release();
        return list;
    }

    /** How many slots the last {@link #assemble}'s re-visit refill changed (0 without a re-visit scorer). */
    public int revisitMoved() {
        return revisitMoved;
    }

    /** Indices of the m highest scores, best first (insertion into a sorted prefix; n is a few hundred). */
    static int[] topIndices(float[] scores, int n, int m) {
        return topIndices(scores, n, m, new int[m]);
    }

    /** {@link #topIndices(float[], int, int)} into {@code top[0..m)}, which is returned. */
    static int[] topIndices(float[] scores, int n, int m, int[] top) {
        int size = 0;
        for (int i = 0; i < n; i++) {
            float s = scores[i];
            if (size == m && s <= scores[top[m - 1]]) {
                continue;
            }
            int pos = size < m ? size++ : m - 1;
            while (pos > 0 && scores[top[pos - 1]] < s) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = i;
        }
        return top;
    }
}
