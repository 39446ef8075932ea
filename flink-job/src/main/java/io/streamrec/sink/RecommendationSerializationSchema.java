package io.streamrec.sink;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Writes each recommendation to the output topic keyed by user_id, so a user's lists stay ordered in one partition. */
public class RecommendationSerializationSchema extends JsonRecordSchema<Recommendation> {
    private static final long serialVersionUID = 1L;

    public RecommendationSerializationSchema(String topic) {
        super(topic);
    }

    @Override
    protected Function<Recommendation, byte[]> newWriter() {
        return new RecommendationJson()::write;
    }

    @Override
    protected byte[] key(Recommendation r) {
        return r.userId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected Long timestamp(Recommendation r) {
        return r.emittedTs;
    }
}
