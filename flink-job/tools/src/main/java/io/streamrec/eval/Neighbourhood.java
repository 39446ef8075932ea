package io.streamrec.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The candidate neighbours of a running session, computed once per event and sample size m and shared by every
 * {@link SessionKnn} reading the same {@link SessionIndex}. Finding the m most recent sessions that share an item and
 * scanning each of them is most of a session-kNN query, and it does not depend on k, the position weights, IDF or
 * STAN's λ: the tuning grid scores 30 settings per event on one pass, and now pays for that work once per m instead of
 * once per setting. A variant's similarity is then a sum over each candidate's {@linkplain Sample#matchPos matched
 * positions}, in the order a scan of the candidate session meets them, so its value is the same to the last bit.
 */
final class Neighbourhood {
    private final SessionIndex index;
    private long version = -1;
    private int session = -1;
    /** The current session: how many of its last events are compared, and its distinct items among them. */
    int currentLength;
    int currentDistinct;
    private int[] distinct = new int[SessionKnn.CURRENT_MAX];
    /** By item: 1-based position of its last occurrence in the compared part of the current session, or 0. */
    private int[] position = new int[0];
    private int[] itemStamp = new int[0];
    private int[] sessionStamp = new int[0];
    private int stamp;
    private final Map<Integer, Sample> samples = new HashMap<>();

    /** The m candidate neighbours of one query, with what each variant's similarity and scores need of them. */
    static final class Sample {
        /** Number of candidates. */
        int n;
        /** Candidate session ids (order unspecified, the same for every reader). */
        int[] cand;
        /** Distinct items of each candidate session. */
        int[] distinct;
        /** Index in the candidate session of the shared item most recent in the current session (STAN's q*). */
        int[] anchor;
        /**
         * Candidate i's items shared with the current session, as their 1-based positions there, in the order of their
         * first occurrence in the candidate: {@code matchPos[matchStart[i] .. matchStart[i + 1])}.
         */
        int[] matchStart;
        int[] matchPos;
    }

    Neighbourhood(SessionIndex index) {
        this.index = index;
    }

    /** The m most recent sessions sharing an item with running session {@code s}, as the index stands now. */
    Sample of(int s, int m) {
        if (version != index.version() || session != s) {
            prepare(s);
        }
        Sample r = samples.get(m);
        if (r == null) {
            r = gather(s, m);
            samples.put(m, r);
        }
        return r;
    }

    private void prepare(int s) {
        for (int d = 0; d < currentDistinct; d++) {
            position[distinct[d]] = 0;
        }
        samples.clear();
        version = index.version();
        session = s;
        int items = index.itemCount();
        if (position.length < items) {
            int n = Math.max(items, position.length * 2);
            position = Arrays.copyOf(position, n);
            itemStamp = Arrays.copyOf(itemStamp, n);
        }
        if (sessionStamp.length < index.sessionCount()) {
            sessionStamp = Arrays.copyOf(sessionStamp, Math.max(index.sessionCount(), sessionStamp.length * 2));
        }
        int[] si = index.items(s);
        int len = index.length(s);
        int from = Math.max(0, len - SessionKnn.CURRENT_MAX);
        currentLength = len - from;
        currentDistinct = 0;
        for (int i = from; i < len; i++) {
            int it = si[i];
            if (position[it] == 0) {
                distinct[currentDistinct++] = it;
            }
            position[it] = i - from + 1;
        }
    }

    private Sample gather(int s, int m) {
        int[] cand = new int[256];
        double[] lastTs = new double[256];
        int nc = 0;
        int mark = ++stamp;
        for (int d = 0; d < currentDistinct; d++) {
            int need = nc + index.postingCap();
            if (need > cand.length) {
                cand = Arrays.copyOf(cand, Math.max(need, cand.length * 2));
                lastTs = Arrays.copyOf(lastTs, cand.length);
            }
            int end = index.postings(distinct[d], cand, nc);
            for (int i = nc; i < end; i++) {
                int c = cand[i];
                if (c != s && sessionStamp[c] != mark) {
                    sessionStamp[c] = mark;
                    lastTs[nc] = index.lastTs(c);
                    cand[nc++] = c;
                }
            }
        }
        nc = SessionKnn.keepBest(cand, lastTs, nc, m);
        Sample r = new Sample();
        r.n = nc;
        r.cand = Arrays.copyOf(cand, nc);
        r.distinct = new int[nc];
        r.anchor = new int[nc];
        r.matchStart = new int[nc + 1];
        int[] pos = new int[Math.max(16, nc * Math.min(currentDistinct, 8))];
        int w = 0;
        for (int i = 0; i < nc; i++) {
            int[] a = index.items(r.cand[i]);
            int first = ++stamp;
            int distinctItems = 0;
            int bestPos = 0;
            int at = 0;
            for (int j = 0, n = index.length(r.cand[i]); j < n; j++) {
                int it = a[j];
                int p = position[it];
                if (p > 0 && p >= bestPos) {
                    bestPos = p;
                    at = j;
                }
                if (itemStamp[it] != first) {
                    itemStamp[it] = first;
                    distinctItems++;
                    if (p > 0) {
                        if (w == pos.length) {
                            pos = Arrays.copyOf(pos, w * 2);
                        }
                        pos[w++] = p;
                    }
                }
            }
            r.distinct[i] = distinctItems;
            r.anchor[i] = at;
            r.matchStart[i + 1] = w;
        }
        r.matchPos = pos;
        return r;
    }
}
