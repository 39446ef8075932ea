package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;

/**
 * The settings the job's functions need, copied out of the validated {@link Configuration} into a small serializable
 * object, so functions carry plain values instead of the whole configuration.
 */
public final class JobSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public String modelPath = StreamrecOptions.MODEL_PATH.defaultValue();
    public long modelReloadIntervalMs = StreamrecOptions.MODEL_RELOAD_INTERVAL.defaultValue().toMillis();
    public int topK = StreamrecOptions.TOP_K.defaultValue();
    /** {@code recs.lists-from} in epoch ms: earlier events update state only; MIN_VALUE: every event is ranked. */
    public long listsFromTs = Long.MIN_VALUE;
    public boolean filterPurchased = StreamrecOptions.FILTER_PURCHASED.defaultValue();
    public boolean filterSeen = StreamrecOptions.FILTER_SEEN.defaultValue();
    public boolean discoverList = StreamrecOptions.DISCOVER_LIST.defaultValue();
    public StreamrecOptions.DiscoverOrder discoverOrder = StreamrecOptions.DISCOVER_ORDER.defaultValue();
    public double discoverSessionWeight = StreamrecOptions.DISCOVER_SESSION_WEIGHT.defaultValue();
    public int sessionSeeds = StreamrecOptions.SESSION_KNN_SEEDS.defaultValue();
    public int sessionNeighbours = StreamrecOptions.SESSION_KNN_NEIGHBOURS.defaultValue();
    public int sessionItemUsers = StreamrecOptions.SESSION_KNN_ITEM_USERS.defaultValue();
    public int sessionMaxUsers = StreamrecOptions.SESSION_KNN_MAX_USERS.defaultValue();
    public double discoverCategoryWeight = StreamrecOptions.DISCOVER_CATEGORY_WEIGHT.defaultValue();
    public double discoverSequenceWeight = StreamrecOptions.DISCOVER_SEQUENCE_WEIGHT.defaultValue();
    public int sequencePairWindow = StreamrecOptions.SEQUENCE_PAIR_WINDOW.defaultValue();
    public long categoryHalfLifeMs = StreamrecOptions.CATEGORY_POPULAR_HALF_LIFE.defaultValue().toMillis();
    public int categoryItems = StreamrecOptions.CATEGORY_POPULAR_ITEMS.defaultValue();
    public int categoryMaxCategories = StreamrecOptions.CATEGORY_POPULAR_MAX_CATEGORIES.defaultValue();
    public long onlineCovisitMaxBytes = StreamrecOptions.ONLINE_COVISIT_MAX_BYTES.defaultValue().getBytes();
    public boolean sessionIdf = StreamrecOptions.SESSION_KNN_IDF.defaultValue();
    public long sessionMaxBytes = StreamrecOptions.SESSION_KNN_MAX_BYTES.defaultValue().getBytes();
    public long categoryMaxBytes = StreamrecOptions.CATEGORY_POPULAR_MAX_BYTES.defaultValue().getBytes();
    public int retrievalN = StreamrecOptions.RETRIEVAL_N.defaultValue();
    public int covisitN = StreamrecOptions.COVISIT_N.defaultValue();
    public int onlineCovisitN = StreamrecOptions.ONLINE_COVISIT_N.defaultValue();
    public int onlineCovisitNeighbours = StreamrecOptions.ONLINE_COVISIT_NEIGHBOURS.defaultValue();
    public int onlineCovisitMaxItems = StreamrecOptions.ONLINE_COVISIT_MAX_ITEMS.defaultValue();
    public boolean recentEnabled = StreamrecOptions.RECENT_ENABLED.defaultValue();
    public int recentN = StreamrecOptions.RECENT_N.defaultValue();
    public int popularN = StreamrecOptions.POPULAR_N.defaultValue();
    public int ivfMinItems = StreamrecOptions.IVF_MIN_ITEMS.defaultValue();
    public int ivfProbe = StreamrecOptions.IVF_PROBE.defaultValue();
    public long stateTtlMs = StreamrecOptions.STATE_TTL.defaultValue().toMillis();
    public int purchasedMax = StreamrecOptions.PURCHASED_MAX.defaultValue();
    public int dedupWindow = StreamrecOptions.DEDUP_WINDOW.defaultValue();
    public int rankerThreads = StreamrecOptions.RANKER_THREADS.defaultValue();
    public int rankerBatchSize = StreamrecOptions.RANKER_BATCH_SIZE.defaultValue();
    public long rankerBatchWaitMs = StreamrecOptions.RANKER_BATCH_WAIT.defaultValue().toMillis();
    public int feedbackHorizonEvents = StreamrecOptions.FEEDBACK_HORIZON_EVENTS.defaultValue();
    public long feedbackHorizonMs = StreamrecOptions.FEEDBACK_HORIZON.defaultValue().toMillis();

    public static JobSettings from(Configuration conf) {
        JobSettings s = new JobSettings();
        s.modelPath = conf.get(StreamrecOptions.MODEL_PATH);
        s.modelReloadIntervalMs = conf.get(StreamrecOptions.MODEL_RELOAD_INTERVAL).toMillis();
        s.topK = conf.get(StreamrecOptions.TOP_K);
        s.listsFromTs = StreamrecConfig.listsFrom(conf);
        s.filterPurchased = conf.get(StreamrecOptions.FILTER_PURCHASED);
        s.filterSeen = conf.get(StreamrecOptions.FILTER_SEEN);
        s.discoverList = conf.get(StreamrecOptions.DISCOVER_LIST);
        s.discoverOrder = conf.get(StreamrecOptions.DISCOVER_ORDER);
        s.discoverSessionWeight = conf.get(StreamrecOptions.DISCOVER_SESSION_WEIGHT);
        s.sessionSeeds = conf.get(StreamrecOptions.SESSION_KNN_SEEDS);
        s.sessionNeighbours = conf.get(StreamrecOptions.SESSION_KNN_NEIGHBOURS);
        s.sessionItemUsers = conf.get(StreamrecOptions.SESSION_KNN_ITEM_USERS);
        s.sessionMaxUsers = conf.get(StreamrecOptions.SESSION_KNN_MAX_USERS);
        s.discoverCategoryWeight = conf.get(StreamrecOptions.DISCOVER_CATEGORY_WEIGHT);
        s.discoverSequenceWeight = conf.get(StreamrecOptions.DISCOVER_SEQUENCE_WEIGHT);
        s.sequencePairWindow = conf.get(StreamrecOptions.SEQUENCE_PAIR_WINDOW);
        s.categoryHalfLifeMs = conf.get(StreamrecOptions.CATEGORY_POPULAR_HALF_LIFE).toMillis();
        s.categoryItems = conf.get(StreamrecOptions.CATEGORY_POPULAR_ITEMS);
        s.categoryMaxCategories = conf.get(StreamrecOptions.CATEGORY_POPULAR_MAX_CATEGORIES);
        s.onlineCovisitMaxBytes = conf.get(StreamrecOptions.ONLINE_COVISIT_MAX_BYTES).getBytes();
        s.sessionIdf = conf.get(StreamrecOptions.SESSION_KNN_IDF);
        s.sessionMaxBytes = conf.get(StreamrecOptions.SESSION_KNN_MAX_BYTES).getBytes();
        s.categoryMaxBytes = conf.get(StreamrecOptions.CATEGORY_POPULAR_MAX_BYTES).getBytes();
        s.retrievalN = conf.get(StreamrecOptions.RETRIEVAL_N);
        s.covisitN = conf.get(StreamrecOptions.COVISIT_N);
        s.onlineCovisitN = conf.get(StreamrecOptions.ONLINE_COVISIT_N);
        s.onlineCovisitNeighbours = conf.get(StreamrecOptions.ONLINE_COVISIT_NEIGHBOURS);
        s.onlineCovisitMaxItems = conf.get(StreamrecOptions.ONLINE_COVISIT_MAX_ITEMS);
        s.recentEnabled = conf.get(StreamrecOptions.RECENT_ENABLED);
        s.recentN = conf.get(StreamrecOptions.RECENT_N);
        s.popularN = conf.get(StreamrecOptions.POPULAR_N);
        s.ivfMinItems = conf.get(StreamrecOptions.IVF_MIN_ITEMS);
        s.ivfProbe = conf.get(StreamrecOptions.IVF_PROBE);
        s.stateTtlMs = conf.get(StreamrecOptions.STATE_TTL).toMillis();
        s.purchasedMax = conf.get(StreamrecOptions.PURCHASED_MAX);
        s.dedupWindow = conf.get(StreamrecOptions.DEDUP_WINDOW);
        s.rankerThreads = conf.get(StreamrecOptions.RANKER_THREADS);
        s.rankerBatchSize = conf.get(StreamrecOptions.RANKER_BATCH_SIZE);
        s.rankerBatchWaitMs = conf.get(StreamrecOptions.RANKER_BATCH_WAIT).toMillis();
        s.feedbackHorizonEvents = conf.get(StreamrecOptions.FEEDBACK_HORIZON_EVENTS);
        s.feedbackHorizonMs = conf.get(StreamrecOptions.FEEDBACK_HORIZON).toMillis();
        return s;
    }

    /** Whether the job keeps the session index: the discovery list ordered by neighbours. */
    public boolean sessionIndex() {
        return discoverList && discoverOrder == StreamrecOptions.DiscoverOrder.NEIGHBOURS;
    }

    /** Whether the job keeps the category popularity table: the neighbour order with a category weight. */
    public boolean categoryIndex() {
        return sessionIndex() && discoverCategoryWeight > 0;
    }

    /** Whether the job keeps the directed sequence table: the neighbour order with a sequence weight. */
    public boolean sequenceIndex() {
        return sessionIndex() && discoverSequenceWeight > 0;
    }
}
