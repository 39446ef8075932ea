package io.streamrec.job;

import io.streamrec.candidates.CategoryPopularity;
import io.streamrec.candidates.ListChunk;
import io.streamrec.candidates.LiveTables;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.candidates.SessionNeighbours;
import io.streamrec.model.BundleManifest;
import io.streamrec.state.UserState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The operator instance's {@link LiveTables} as Flink operator state: creates each table the options and the serving
 * model ask for, and checkpoints and restores the four of them. The online, sequence and category tables are
 * checkpointed as byte chunks of whole item lists (frozen views, serialised in the checkpoint's asynchronous part),
 * which rescaling redistributes and a restore merges. The session index keeps only its users: a user's items in it
 * are its history window, so a restore re-reads their windows from the keyed state ({@link #rebuildSessions}).
 * The state names and descriptors are part of the savepoint format: never change them. Each table keeps to its byte
 * budget while it restores, so a checkpoint of a larger budget restores into a smaller one.
 */
final class OperatorTables {
    /** Items per checkpointed chunk of the online and sequence tables: chunks are what rescaling redistributes. */
    static final int ONLINE_CHUNK_ITEMS = 4096;
    /** Categories per checkpointed chunk of the category popularity table. */
    static final int CATEGORY_CHUNK_SIZE = 256;

    private final JobSettings settings;
    private final LiveTables live = new LiveTables();
    private ListState<ListChunk> onlineState;
    private ListState<ListChunk> sequenceState;
    private ListState<ListChunk> categoryState;
    /** The index's users, least recently active first: all an index needs to be rebuilt from the keyed state. */
    private ListState<String> sessionUsersState;
    /** Users of the checkpoint this instance was restored from, until {@link #rebuildSessions} has read them. */
    private List<String> restoredSessionUsers;

    OperatorTables(JobSettings settings) {
        this.settings = settings;
    }

    /** The tables, for the candidate stage. */
    LiveTables live() {
        return live;
    }

    /** Registers the operator state and, on a restore, merges the checkpointed chunks into new tables. */
    void initialize(FunctionInitializationContext context) throws Exception {
        // the chunks are frozen views of the table, serialised in the checkpoint's asynchronous part
        onlineState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("online-covisitation-chunks", new ListChunkTypeInfo()));
        // a union: after a rescale every instance sees every user and keeps those whose key it now owns
        sessionUsersState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("session-knn-users", Types.STRING));
        categoryState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("category-popularity-chunks", new ListChunkTypeInfo()));
        sequenceState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("sequence-chunks", new ListChunkTypeInfo()));
        if (context.isRestored()) {
            for (ListChunk chunk : sequenceState.get()) {
                if (live.sequence() == null) {
                    live.setSequence(newSequenceTable());
                }
                live.sequence().restore(chunk);
            }
            for (ListChunk chunk : categoryState.get()) {
                if (live.categories() == null) {
                    live.setCategories(newCategoryTable());
                }
                live.categories().restore(chunk); // chunks of several old instances merge
            }
            restoredSessionUsers = new ArrayList<>();
            for (String user : sessionUsersState.get()) {
                restoredSessionUsers.add(user);
            }
            for (ListChunk chunk : onlineState.get()) {
                if (live.online() == null) {
                    live.setOnline(newOnlineTable(OnlineCovisitation.DEFAULT_PAIR_WINDOW,
                            OnlineCovisitation.DEFAULT_MAX_GAP_S));
                }
                live.online().restore(chunk); // several chunks, maybe from several old instances, merge
            }
        }
    }

    /** Creates the discovery list's tables the options ask for and drops restored ones they no longer ask for. */
    void open() {
        if (settings.sessionIndex()) {
            live.setSessions(new SessionNeighbours(settings.sessionItemUsers, settings.sessionMaxUsers,
                    settings.sessionMaxBytes, settings.sessionIdf));
        }
        if (!settings.categoryIndex()) {
            live.setCategories(null); // a restored table the new configuration no longer asks for
        } else if (live.categories() == null) {
            live.setCategories(newCategoryTable());
        }
        if (!settings.sequenceIndex()) {
            live.setSequence(null);
        } else if (live.sequence() == null) {
            live.setSequence(newSequenceTable());
        }
    }

    /**
     * Keeps the online table when the options or a serving model need it (a learnt table survives a model swap,
     * which only changes its W and G; under an A/B split the first variant that needs it sets them), or drops it.
     *
     * @return the history length the online table pairs over, 0 without one
     */
    int followModels(java.util.List<BundleManifest> manifests) {
        BundleManifest manifest = null; // the first serving variant that needs the table sets its parameters
        for (BundleManifest m : manifests) {
            if (manifest == null && (settings.onlineCovisitN > 0 || m.candidateFeatures().contains("online_covisit"))) {
                manifest = m;
            }
        }
        if (manifest == null) {
            live.setOnline(null);
            return 0;
        }
        int w = manifest.onlineCovisitPairWindow();
        long g = manifest.onlineCovisitMaxGapS();
        if (live.online() == null) {
            live.setOnline(newOnlineTable(w, g));
        } else {
            live.online().setParameters(w, g); // the learnt table survives the swap
        }
        return w;
    }

    /**
     * Freezes the live tables into the operator state; returns how long that held the task thread, in microseconds
     * (the {@code tablesSnapshotUs} histogram): the synchronous part of a checkpoint that is the tables' own, beside
     * the state backend's.
     */
    long snapshot() throws Exception {
        long t0 = System.nanoTime();
        freezeAll();
        return (System.nanoTime() - t0) / 1000;
    }

    private void freezeAll() throws Exception {
        if (live.online() == null) {
            onlineState.clear();
        } else {
            onlineState.update(live.online().freeze(ONLINE_CHUNK_ITEMS));
        }
        if (live.categories() == null) {
            categoryState.clear();
        } else {
            categoryState.update(live.categories().freeze(CATEGORY_CHUNK_SIZE));
        }
        if (live.sequence() == null) {
            sequenceState.clear();
        } else {
            sequenceState.update(live.sequence().freeze(ONLINE_CHUNK_ITEMS));
        }
        if (live.sessions() == null) {
            sessionUsersState.clear();
        } else {
            sessionUsersState.update(Arrays.asList(live.sessions().usersByActivity()));
        }
    }

    /**
     * After a restore, refills the session index from the keyed state: each checkpointed user, least recently
     * active first, is observed again with the history window its state holds (an expired one is skipped).
     *
     * @param selectKey makes a user the current key and returns true, or returns false if this instance does not
     *                  own the user's key
     * @param state     the keyed user state, read under the selected key
     */
    void rebuildSessions(Predicate<String> selectKey, ValueState<UserState> state) throws IOException {
        List<String> users = restoredSessionUsers;
        restoredSessionUsers = null;
        SessionNeighbours sessions = live.sessions();
        if (sessions == null || users == null) {
            return;
        }
        for (String user : users) {
            if (!selectKey.test(user)) {
                continue;
            }
            UserState s = state.value();
            if (s != null) {
                sessions.observe(user, s.histItems, s.histItems.length);
            }
        }
    }

    private CategoryPopularity newCategoryTable() {
        return new CategoryPopularity(settings.categoryItems, settings.categoryMaxCategories,
                settings.categoryHalfLifeMs, settings.categoryMaxBytes);
    }

    private OnlineCovisitation newSequenceTable() {
        return OnlineCovisitation.directed(settings.sequencePairWindow, OnlineCovisitation.DEFAULT_MAX_GAP_S,
                settings.onlineCovisitNeighbours, settings.onlineCovisitMaxItems, settings.onlineCovisitMaxBytes);
    }

    private OnlineCovisitation newOnlineTable(int pairWindow, long maxGapS) {
        return new OnlineCovisitation(pairWindow, maxGapS, settings.onlineCovisitNeighbours,
                settings.onlineCovisitMaxItems, settings.onlineCovisitMaxBytes);
    }
}
